using SecureFlow.Workload.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapFlowApi();

app.Run();
