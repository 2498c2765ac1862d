global using System.Collections.Immutable;
global using Relay.Automations;
global using Relay.Cluster.Tests.Support;
