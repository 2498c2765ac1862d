namespace Relay.Crm;

/// <summary>Whether retrying a failed CRM call can help.</summary>
public enum CrmErrorKind
{
    /// <summary>Timeouts, HTTP 5xx/429, dropped connections, transient NetServer errors: retry later.</summary>
    Transient = 0,

    /// <summary>Validation, missing selection/project/person, access denied: retrying will not help.</summary>
    Permanent = 1,

    /// <summary>The call may or may not have taken effect (timeout or dropped connection after sending a write).</summary>
    Uncertain = 2,
}

/// <summary>A failed CRM call, classified for the retry policy.</summary>
[GenerateSerializer, Alias("relay.crm-exception")]
public sealed class CrmException : Exception
{
    public CrmException()
    {
    }

    public CrmException(string message)
        : base(message)
    {
    }

    public CrmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CrmException(CrmErrorKind kind, string errorType, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        ErrorType = errorType;
    }

    /// <summary>Whether a retry can help.</summary>
    [Id(0)]
    public CrmErrorKind Kind { get; init; }

    /// <summary>A short, stable name for grouping errors, e.g. <c>SelectionNotFound</c> or <c>Http503</c>.</summary>
    [Id(1)]
    public string ErrorType { get; init; } = "Unknown";

    /// <summary>
    /// Set when the failure says when to come back (an open circuit, a rate-limit wait): the caller waits that
    /// long instead of backing off, and does not count it as an attempt of the action.
    /// </summary>
    [Id(2)]
    public TimeSpan? RetryAfter { get; init; }
}
