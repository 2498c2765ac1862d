using Relay.Web.Admin;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>
/// A replay or discard the console offers, as the operations page links it and the confirmation page's query and form
/// carry it: what to do (<see cref="Do"/>), to what (<see cref="Of"/>), and how many (<see cref="Scope"/>: one item, one
/// error type, or all).
/// </summary>
public sealed record Operation(string Do, string Of, string Scope, string? ContactId = null, string? Key = null, string? Id = null, string? ErrorType = null)
{
    /// <summary>Sends items on again.</summary>
    public const string Replay = "replay";

    /// <summary>Drops items for good.</summary>
    public const string Discard = "discard";

    /// <summary>Parked actions.</summary>
    public const string Parked = "parked";

    /// <summary>Dead letters.</summary>
    public const string DeadLetter = "dead-letter";

    /// <summary>One parked action (<see cref="ContactId"/>, <see cref="Key"/>) or dead letter (<see cref="Id"/>).</summary>
    public const string One = "one";

    /// <summary>Every item of <see cref="ErrorType"/>.</summary>
    public const string Type = "type";

    /// <summary>Every item; only replay offers it.</summary>
    public const string All = "all";

    /// <summary>Acting on one parked action.</summary>
    public static Operation ParkedAction(string @do, string contactId, string key) => new(@do, Parked, One, ContactId: contactId, Key: key);

    /// <summary>Acting on one dead letter; its error type narrows the search for it.</summary>
    public static Operation Letter(string @do, string id, string errorType) => new(@do, DeadLetter, One, Id: id, ErrorType: errorType);

    /// <summary>Acting on every parked action or dead letter of one error type.</summary>
    public static Operation OfType(string @do, string of, string errorType) => new(@do, of, Type, ErrorType: errorType);

    /// <summary>Replaying every parked action or dead letter.</summary>
    public static Operation ReplayAll(string of) => new(Replay, of, All);

    /// <summary>Whether it sends items on again (else it drops them).</summary>
    public bool IsReplay => Do == Replay;

    /// <summary>What is wrong with it, or null when the console offers it and it says everything it needs.</summary>
    public string? Problem =>
        Do is not (Replay or Discard) ? "Say whether to replay or discard."
        : Of is not (Parked or DeadLetter) ? "Say whether this is about parked actions or dead letters."
        : Scope switch
        {
            One when Of == Parked && (string.IsNullOrWhiteSpace(ContactId) || string.IsNullOrWhiteSpace(Key)) => "Say which contact's parked action, and its key.",
            One when Of == DeadLetter && string.IsNullOrWhiteSpace(Id) => "Say which dead letter.",
            One => null,
            Type when string.IsNullOrWhiteSpace(ErrorType) => "Say which error type.",
            Type => null,
            All when Do == Discard => "Discarding everything at once is not offered: discard one error type at a time.",
            All => null,
            _ => "Say whether one item, one error type or all.",
        };

    /// <summary>The items it acts on, in words: "parked action k of contact c", "every dead letter of type T".</summary>
    public string Subject => (Scope, Of) switch
    {
        (One, Parked) => $"parked action {Key} of contact {ContactId}",
        (One, _) => $"dead letter {Id}",
        (Type, _) => $"every {Noun} of type {ErrorType}",
        _ => $"every {Noun}",
    };

    /// <summary>"parked action" or "dead letter".</summary>
    public string Noun => Of == Parked ? "parked action" : "dead letter";

    /// <summary>The confirmation page of this operation for <paramref name="tenant"/>.</summary>
    public string ConfirmUrl(string tenant)
    {
        var query = new List<string> { $"do={Do}", $"of={Of}", $"scope={Scope}" };
        foreach (var (name, value) in new[] { ("contact", ContactId), ("key", Key), ("id", Id), ("type", ErrorType) })
        {
            if (value is not null)
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        return $"/admin/tenants/{Uri.EscapeDataString(tenant)}/operations/confirm?{string.Join('&', query)}";
    }

    /// <summary>Carries it out (it must have no <see cref="Problem"/>) and says what came of it.</summary>
    public async Task<string> RunAsync(TenantOperations operations)
    {
        var (done, verb) = IsReplay ? ("Replayed", "replayed") : ("Discarded", "discarded");
        if (Scope == One)
        {
            var changed = (Of, IsReplay) switch
            {
                (Parked, true) => await operations.ReplayParkedAsync(ContactId!, Key!),
                (Parked, false) => await operations.DiscardParkedAsync(ContactId!, Key!),
                (_, true) => await operations.ReplayDeadLetterAsync(Id!),
                _ => await operations.DiscardDeadLetterAsync(Id!),
            };
            return changed
                ? $"{done} {Subject}."
                : $"Nothing was {verb}: there is no {Subject} any more.";
        }

        var type = Scope == Type ? ErrorType : null;
        var count = (Of, IsReplay) switch
        {
            (Parked, true) => await operations.ReplayParkedAsync(type),
            (Parked, false) => await operations.DiscardParkedAsync(type!),
            (_, true) => await operations.ReplayDeadLettersAsync(type),
            _ => await operations.DiscardDeadLettersAsync(type!),
        };
        return count > 0
            ? $"{done} {TenantOperations.Count(count, Noun)}{(type is null ? "" : $" of type {type}")}."
            : $"Nothing was {verb}: there is no {Noun}{(type is null ? "" : $" of type {type}")} any more.";
    }

    /// <summary>A count with its noun, for the confirmation page.</summary>
    public string CountOf(int count) => TenantOperations.Count(count, Noun);
}
