using SecureFlow.Orders.Apis;
using SecureFlow.ServiceDefaults.KeyVault;
using SecureFlow.ServiceDefaults.MutualTls;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
if (builder.Configuration.HasKeyVault())
{
    builder.AddKeyVaultClients();
}

builder.AddMutualTls();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseMutualTlsCallersOnly();
app.MapOrdersApi();

app.Run();
