global using System.Collections.Immutable;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Relay;
global using Relay.Automations;
global using Relay.Web.Security;
