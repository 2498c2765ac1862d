using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Relay.Hosting;
using Relay.Observability;

// A Relay silo: contact grains and everything they call. Ops scale processing by running more of these.
var builder = WebApplication.CreateBuilder(args);
builder.AddRelayObservability("relay-silo");
builder.UseOrleans(silo => silo.AddRelaySilo(builder.Configuration));
builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);

var app = builder.Build();
app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
app.MapRelayMetrics();
app.Run();
