using SecureFlow.ServiceDefaults.KeyVault;
using SecureFlow.Workload.Apis;
using SecureFlow.Workload.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOrdersClient();
if (builder.Configuration.HasKeyVault())
{
    builder.AddKeyVaultClients();
}

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapFlowApi();
app.MapSecretApi();

app.Run();
