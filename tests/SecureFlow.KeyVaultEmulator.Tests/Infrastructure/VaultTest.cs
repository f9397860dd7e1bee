namespace SecureFlow.KeyVaultEmulator.Tests.Infrastructure;

/// <summary>A test class with its own running vault: each test starts from an empty vault.</summary>
public abstract class VaultTest : IAsyncLifetime
{
    private InProcessVault? _vault;

    protected InProcessVault Vault => _vault ?? throw new InvalidOperationException("The vault has not started.");

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync() => _vault = await InProcessVault.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_vault is not null)
        {
            await _vault.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
