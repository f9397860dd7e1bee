using SecureFlow.ServiceDefaults.KeyVault;
using SecureFlow.ServiceDefaults.MutualTls;
using SecureFlow.Workload.Apis;
using SecureFlow.Workload.Extensions;
using SecureFlow.Workload.Page;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddEgressCall();
if (builder.Configuration.HasKeyVault())
{
    builder.AddKeyVaultClients();
}

builder.AddMutualTls();
builder.AddOrdersClient();
builder.AddFlowPage();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseMutualTlsCallersOnly();
app.UseFlowPage();
app.MapFlowApi();
app.MapSecretApi();
app.MapEgressApi();

app.Run();
