namespace Relay.Access;

/// <summary>What a tenant credential allows; a credential holds one or more.</summary>
[Flags]
public enum AccessScopes
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Post triggers and consent changes.</summary>
    Ingest = 1,

    /// <summary>Read contacts, leads, events and consents.</summary>
    Read = 2,

    /// <summary>Decide about leads: approve, link, dismiss.</summary>
    Decide = 4,

    /// <summary>The tenant's settings, automations, imports, parked actions and dead letters.</summary>
    Admin = 8,
}

/// <summary>The scopes' names as callers write them (<c>ingest</c>, <c>read</c>, <c>decide</c>, <c>admin</c>).</summary>
public static class AccessScopeNames
{
    /// <summary>Every scope, in the order they are listed.</summary>
    public static readonly IReadOnlyList<AccessScopes> All = [AccessScopes.Ingest, AccessScopes.Read, AccessScopes.Decide, AccessScopes.Admin];

    /// <summary>The name of one scope.</summary>
    public static string Name(AccessScopes scope) => scope.ToString().ToLowerInvariant();

    /// <summary>The names of the scopes in <paramref name="scopes"/>.</summary>
    public static string[] Names(AccessScopes scopes) => [.. All.Where(s => scopes.HasFlag(s)).Select(Name)];

    /// <summary>Reads scope names; <paramref name="unknown"/> lists the names that are not scopes.</summary>
    public static AccessScopes Parse(IEnumerable<string?>? names, out List<string> unknown)
    {
        unknown = [];
        var scopes = AccessScopes.None;
        foreach (var name in names ?? [])
        {
            var scope = All.FirstOrDefault(s => string.Equals(Name(s), name, StringComparison.Ordinal));
            if (scope == AccessScopes.None)
            {
                unknown.Add(name ?? "null");
            }

            scopes |= scope;
        }

        return scopes;
    }
}
