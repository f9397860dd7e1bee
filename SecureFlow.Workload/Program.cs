using SecureFlow.ServiceDefaults.KeyVault;
using SecureFlow.ServiceDefaults.MutualTls;
using SecureFlow.Workload.Apis;
using SecureFlow.Workload.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddEgressCall();
if (builder.Configuration.HasKeyVault())
{
    builder.AddKeyVaultClients();
}

builder.AddMutualTls();
builder.AddOrdersClient();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseMutualTlsCallersOnly();
app.MapFlowApi();
app.MapSecretApi();
app.MapEgressApi();

app.Run();
