global using System.Collections.Immutable;
global using Relay.Automations;
global using Relay.Tests.Support;
