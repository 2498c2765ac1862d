using System.Text.Json.Serialization;
using Relay.Triggers;

namespace Relay.Automations;

/// <summary>A tenant's rule: when a trigger matches <see cref="When"/>, run <see cref="Actions"/> in order.</summary>
/// <remarks>
/// While a contact waits as a lead, a run of an automation whose actions already wait is coalesced into them, unless
/// <see cref="QueueRepeatsWhileLead"/> is set. The flag is phrased so that false, what automations stored before it
/// read as, is the safe default.
/// </remarks>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.automation")]
public sealed record Automation(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Name,
    [property: Id(2)] AutomationMatch When,
    [property: Id(3)] ImmutableArray<AutomationAction> Actions,
    [property: Id(4)] RunPolicy RunPolicy = RunPolicy.EveryTime,
    [property: Id(5)] bool Enabled = true,
    [property: Id(6)] bool QueueRepeatsWhileLead = false);

/// <summary>What a trigger must look like for an automation to run. Unset fields match anything.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.automation-match")]
public sealed record AutomationMatch(
    [property: Id(0), JsonRequired] TriggerType Type,
    [property: Id(1)] string? ContentId = null,
    [property: Id(2)] string? LinkUrl = null,
    [property: Id(3)] LinkMatch LinkMatch = LinkMatch.Exact,
    [property: Id(4)] string? FormId = null,
    [property: Id(5)] string? EventName = null);

/// <summary>How <see cref="AutomationMatch.LinkUrl"/> is compared with the clicked link.</summary>
public enum LinkMatch
{
    /// <summary>The clicked URL equals the configured one.</summary>
    Exact = 0,

    /// <summary>The clicked URL starts with the configured one.</summary>
    Prefix = 1,
}

/// <summary>How often an automation may run for one contact.</summary>
public enum RunPolicy
{
    /// <summary>Every matching trigger runs the actions.</summary>
    EveryTime = 0,

    /// <summary>Only the first matching trigger of a contact runs the actions.</summary>
    OncePerContact = 1,
}
