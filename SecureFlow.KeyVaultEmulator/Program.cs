using SecureFlow.KeyVaultEmulator.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddKeyVaultEmulator();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapKeyVaultEmulator();

app.Run();
