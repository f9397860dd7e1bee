[assembly: AssemblyFixture(typeof(SecureFlow.EndToEnd.Tests.Infrastructure.SharedApp))]

namespace SecureFlow.EndToEnd.Tests.Infrastructure;

/// <summary>One app for the tests that only send traffic through the chain (starting one takes seconds).</summary>
public sealed class SharedApp : IAsyncLifetime
{
    private SecureFlowApp? _app;

    public SecureFlowApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async ValueTask InitializeAsync() => _app = await SecureFlowApp.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
