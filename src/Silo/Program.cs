using Relay.Hosting;
using Relay.Hosting.Security;
using Relay.Observability;

// A Relay silo: contact grains and everything they call. Ops scale processing by running more of these.
var builder = WebApplication.CreateBuilder(args);
builder.AddRelayObservability("relay-silo");
builder.UseOrleans(silo => silo.AddRelaySilo(builder.Configuration));
builder.Services.AddRelayHealthChecks();
builder.Services.AddRelayOperatorKey(builder.Configuration);

var app = builder.Build();
app.MapRelayHealth();
app.MapRelayMetrics();
app.Run();
