namespace Relay.Automations;

/// <summary>What came of creating, replacing or deleting one automation.</summary>
[GenerateSerializer, Immutable, Alias("relay.automation-write")]
public sealed record AutomationWrite(
    [property: Id(0)] AutomationWriteOutcome Outcome,
    [property: Id(1)] Automation? Before = null,
    [property: Id(2)] Automation? After = null,
    [property: Id(3)] ImmutableArray<string> Errors = default)
{
    /// <summary>The entity tag of what is stored now: <see cref="After"/> when the write happened, else <see cref="Before"/>.</summary>
    public string? ETag => (After ?? Before) is { } a ? AutomationETag.Of(a) : null;

    /// <summary>Whether the automation was created, replaced or deleted.</summary>
    public bool Applied => Outcome is AutomationWriteOutcome.Created or AutomationWriteOutcome.Replaced or AutomationWriteOutcome.Deleted;
}

/// <summary>The outcomes of <see cref="AutomationWrite"/>.</summary>
public enum AutomationWriteOutcome
{
    /// <summary>A new automation, added after the others.</summary>
    Created = 0,

    /// <summary>An automation replaced in its place.</summary>
    Replaced = 1,

    /// <summary>An automation removed.</summary>
    Deleted = 2,

    /// <summary>The automation is not valid (<see cref="AutomationWrite.Errors"/>); nothing changed.</summary>
    Invalid = 3,

    /// <summary>The given entity tag is not the stored automation's (someone else changed or deleted it); nothing changed.</summary>
    Conflict = 4,

    /// <summary>The automation exists and no entity tag was given; nothing changed.</summary>
    PreconditionRequired = 5,

    /// <summary>There is no such automation to delete.</summary>
    NotFound = 6,

    /// <summary>There is no such tenant.</summary>
    NoTenant = 7,
}
