using Relay.Web.Hosting;

await RelayWebApp.Create(args).RunAsync();
