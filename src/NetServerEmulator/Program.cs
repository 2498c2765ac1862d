using Relay.NetServerEmulator;

// Standalone: dotnet run --project src/NetServerEmulator -- --urls http://127.0.0.1:5080
var app = EmulatorHost.Build(args);
await app.RunAsync();
