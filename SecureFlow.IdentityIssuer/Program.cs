using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SecureFlow.IdentityIssuer.Extensions;
using SecureFlow.IdentityIssuer.Issuing;

var builder = Host.CreateApplicationBuilder(args);

builder.ConfigureOpenTelemetry();
builder.AddIdentityIssuer();

using var host = builder.Build();
var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SecureFlow.IdentityIssuer");
try
{
    await host.Services.GetRequiredService<ServiceIdentityIssuer>().RunAsync(CancellationToken.None);
    return 0;
}
catch (IdentityIssuerException exception)
{
    // Existing identities keep serving until they expire; the next run (the daily CronJob) tries again.
    IssuerLog.Failed(logger, exception.Message);
    return 1;
}
catch (RequestFailedException exception)
{
    IssuerLog.Failed(logger, $"Key Vault answered {exception.Status} {exception.ErrorCode}: {exception.Message}");
    return 1;
}
