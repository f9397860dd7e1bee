using SecureFlow.Orders.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOrdersApi();

app.Run();
