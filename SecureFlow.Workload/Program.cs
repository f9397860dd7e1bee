using SecureFlow.ServiceDefaults.KeyVault;
using SecureFlow.Workload.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddEgressCall();
if (builder.Configuration.HasKeyVault())
{
    builder.AddKeyVaultClients();
}

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapFlowApi();
app.MapSecretApi();
app.MapEgressApi();

app.Run();
