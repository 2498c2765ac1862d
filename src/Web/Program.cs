using Relay.Hosting;
using Relay.Web.Admin;
using Relay.Web.Contacts;
using Relay.Web.Hosting;
using Relay.Web.Ingest;
using Relay.Web.Leads;

var builder = WebApplication.CreateBuilder(args);
builder.AddRelayWeb();

var app = builder.Build();
app.UseStatusCodePages();
app.MapRelayHealth();
app.MapIngestApi();
app.MapContactsApi();
app.MapLeadsApi();
app.MapAdminApi();
app.MapParkedApi();
app.MapDeadLettersApi();
app.Run();

/// <summary>The web host's entry point, visible to tests.</summary>
public partial class Program;
