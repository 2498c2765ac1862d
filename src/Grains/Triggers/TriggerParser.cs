using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Relay.Triggers;

/// <summary>One reason a trigger was rejected: the field's path inside the trigger (empty for the trigger itself) and what is wrong.</summary>
public sealed record TriggerError(string Path, string Message);

/// <summary>A trigger read from JSON, or every reason it was rejected.</summary>
public sealed record TriggerParseResult(Trigger? Trigger, IReadOnlyList<TriggerError> Errors)
{
    /// <summary>Whether the trigger is valid.</summary>
    public bool IsValid => Trigger is not null;
}

/// <summary>
/// Reads trigger contract version 1 from JSON. It collects every problem in an item rather than
/// stopping at the first, so a producer can fix a batch in one go. Unknown fields are ignored.
/// </summary>
public static partial class TriggerParser
{
    /// <summary>The longest trigger id (the dedupe key) and contact id accepted.</summary>
    public const int MaxIdLength = 128;

    /// <summary>The longest free-text field accepted (names, titles, content names, form values).</summary>
    public const int MaxTextLength = 2000;

    /// <summary>How far past the server clock a <c>consent.changed</c> trigger may be dated (clock skew).</summary>
    public static readonly TimeSpan MaxConsentFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>Validates one JSON value as a trigger; <paramref name="now"/> is the server clock's time.</summary>
    public static TriggerParseResult Parse(JsonElement element, DateTimeOffset now)
    {
        var errors = new List<TriggerError>();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new(null, [new("", $"a trigger must be a JSON object, got {Describe(element.ValueKind)}")]);
        }

        var r = new Reader(errors);
        var id = r.Id(element, "id", "id");
        var typeName = r.String(element, "type", "type", required: true, MaxIdLength);
        TriggerType type = default;
        var typeKnown = typeName is not null && TriggerTypes.TryParse(typeName, out type);
        if (typeName is not null && !typeKnown)
        {
            errors.Add(new("type", $"unknown type '{Clip(typeName)}'; expected one of {string.Join(", ", TriggerTypes.Names)}"));
        }

        var occurredAt = r.Timestamp(element, "occurredAt");
        var contact = ReadContact(element, r, errors);
        var content = ReadContent(element, r);
        string? linkUrl = null;
        FormSubmission? form = null;
        ConsentChange? consent = null;
        AppEventData? app = null;
        if (typeKnown)
        {
            linkUrl = ReadLink(element, r, required: type.HasLink());
            form = ReadForm(element, r, errors, required: type == TriggerType.FormSubmitted);
            consent = ReadConsent(element, r, errors, required: type == TriggerType.ConsentChanged);
            app = type == TriggerType.AppEvent ? ReadAppEvent(element, r, errors) : null;
        }

        // The latest consent change wins, so one dated far ahead would outrank every real change until then.
        if (typeKnown && type == TriggerType.ConsentChanged && occurredAt > now + MaxConsentFutureSkew)
        {
            errors.Add(new("occurredAt", $"a consent change may not be dated more than {MaxConsentFutureSkew.TotalMinutes:0} minutes after the server's time ({now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})"));
        }

        if (errors.Count > 0 || id is null || !typeKnown || occurredAt is null || contact is null)
        {
            return new(null, errors);
        }

        return new(new Trigger(id, type, occurredAt.Value, contact, content, linkUrl, form, consent, app), []);
    }

    private static ContactFields? ReadContact(JsonElement root, Reader r, List<TriggerError> errors)
    {
        if (r.Object(root, "contact", "contact", required: true) is not { } c)
        {
            return null;
        }

        var before = errors.Count;
        var id = r.Id(c, "id", "contact.id");
        var email = r.String(c, "email", "contact.email", required: false, 254);
        if (email is not null && !EmailShape().IsMatch(email))
        {
            errors.Add(new("contact.email", $"'{Clip(email)}' is not an e-mail address"));
        }

        var crmPersonId = r.PositiveInt(c, "crmPersonId", "contact.crmPersonId");
        if (email is null && crmPersonId is null && !r.Has(c, "email") && !r.Has(c, "crmPersonId"))
        {
            errors.Add(new("contact.email", "required unless contact.crmPersonId is given"));
        }

        CompanyFields? company = null;
        if (r.Object(c, "company", "contact.company", required: false) is { } co)
        {
            company = new CompanyFields(
                r.Text(co, "name", "contact.company.name"),
                r.Text(co, "country", "contact.company.country"),
                r.Text(co, "category", "contact.company.category"),
                r.Text(co, "industry", "contact.company.industry"),
                r.Text(co, "orgNr", "contact.company.orgNr"));
        }

        var fields = new ContactFields(
            id ?? "",
            email,
            r.Text(c, "firstName", "contact.firstName"),
            r.Text(c, "lastName", "contact.lastName"),
            r.Text(c, "title", "contact.title"),
            r.Text(c, "phone", "contact.phone"),
            r.Text(c, "mobile", "contact.mobile"),
            crmPersonId,
            company);
        return errors.Count == before ? fields : null;
    }

    private static ContentRef? ReadContent(JsonElement root, Reader r)
    {
        if (r.Object(root, "content", "content", required: false) is not { } c)
        {
            return null;
        }

        var id = r.Id(c, "id", "content.id");
        var name = r.Text(c, "name", "content.name");
        return id is null ? null : new ContentRef(id, name);
    }

    private static string? ReadLink(JsonElement root, Reader r, bool required)
    {
        if (r.Object(root, "link", "link", required) is not { } l)
        {
            return null;
        }

        var url = r.String(l, "url", "link.url", required: true, MaxTextLength);
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            r.Errors.Add(new("link.url", $"'{Clip(url)}' is not an absolute http(s) URL"));
            return null;
        }

        return url;
    }

    private static FormSubmission? ReadForm(JsonElement root, Reader r, List<TriggerError> errors, bool required)
    {
        if (r.Object(root, "form", "form", required) is not { } f)
        {
            return null;
        }

        var id = r.Id(f, "id", "form.id");
        var fields = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (r.Object(f, "fields", "form.fields", required: false) is { } fs)
        {
            foreach (var p in fs.EnumerateObject())
            {
                var value = FlatValue(p, $"form.fields.{p.Name}", "", errors);
                if (value is { Length: > MaxTextLength })
                {
                    errors.Add(new($"form.fields.{p.Name}", $"longer than {MaxTextLength} characters"));
                }
                else if (value is not null)
                {
                    fields[p.Name] = value;
                }
            }
        }

        return id is null ? null : new FormSubmission(id, fields.ToImmutable());
    }

    /// <summary>A flat field's value: a string, or a number's or boolean's JSON text; null for null or (with an error) anything else.</summary>
    private static string? FlatValue(JsonProperty p, string path, string hint, List<TriggerError> errors)
    {
        switch (p.Value.ValueKind)
        {
            case JsonValueKind.String:
                return p.Value.GetString();
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                return p.Value.GetRawText();
            case JsonValueKind.Null:
                return null;
            default:
                errors.Add(new(path, $"must be a string, number or boolean{hint}, got {Describe(p.Value.ValueKind)}"));
                return null;
        }
    }

    private static ConsentChange? ReadConsent(JsonElement root, Reader r, List<TriggerError> errors, bool required)
    {
        if (r.Object(root, "consent", "consent", required) is not { } c)
        {
            return null;
        }

        var purpose = r.String(c, "purpose", "consent.purpose", required: true, MaxIdLength);
        var legalBasis = r.String(c, "legalBasis", "consent.legalBasis", required: true, MaxIdLength);
        bool? granted = null;
        if (!c.TryGetProperty("granted", out var g) || g.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new("consent.granted", "required"));
        }
        else if (g.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            granted = g.GetBoolean();
        }
        else
        {
            errors.Add(new("consent.granted", $"must be true or false, got {Describe(g.ValueKind)}"));
        }

        var source = r.Text(c, "source", "consent.source");
        var comment = r.Text(c, "comment", "consent.comment");
        return purpose is null || legalBasis is null || granted is null
            ? null
            : new ConsentChange(purpose, legalBasis, granted.Value, source, comment);
    }

    /// <summary>Names a JSON value kind for an error message.</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + "…";

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Iso8601WithOffset();

    /// <summary>Reads typed fields and records a reason for each one that is missing or of the wrong type.</summary>
    private sealed class Reader(List<TriggerError> errors)
    {
        public List<TriggerError> Errors { get; } = errors;

        public bool Has(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

        public JsonElement? Object(JsonElement obj, string name, string path, bool required)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Errors.Add(new(path, "required"));
                }

                return null;
            }

            if (v.ValueKind != JsonValueKind.Object)
            {
                Errors.Add(new(path, $"must be an object, got {Describe(v.ValueKind)}"));
                return null;
            }

            return v;
        }

        public string? String(JsonElement obj, string name, string path, bool required, int maxLength)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Errors.Add(new(path, "required"));
                }

                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                Errors.Add(new(path, $"must be a string, got {Describe(v.ValueKind)}"));
                return null;
            }

            var s = v.GetString()!;
            if (required && string.IsNullOrWhiteSpace(s))
            {
                Errors.Add(new(path, "must not be empty"));
                return null;
            }

            if (s.Length > maxLength)
            {
                Errors.Add(new(path, $"longer than {maxLength} characters ({s.Length})"));
                return null;
            }

            return s.Length == 0 ? null : s;
        }

        public string? Id(JsonElement obj, string name, string path) => String(obj, name, path, required: true, MaxIdLength);

        public string? Text(JsonElement obj, string name, string path) => String(obj, name, path, required: false, MaxTextLength);

        public int? PositiveInt(JsonElement obj, string name, string path)
        {
            if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n))
            {
                Errors.Add(new(path, $"must be an integer, got {(v.ValueKind == JsonValueKind.Number ? "a number out of range or with a fraction" : Describe(v.ValueKind))}"));
                return null;
            }

            if (n <= 0)
            {
                Errors.Add(new(path, "must be a positive integer"));
                return null;
            }

            return n;
        }

        public DateTimeOffset? Timestamp(JsonElement obj, string name)
        {
            var s = String(obj, name, name, required: true, 64);
            if (s is null)
            {
                return null;
            }

            if (!Iso8601WithOffset().IsMatch(s) ||
                !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t))
            {
                Errors.Add(new(name, $"'{Clip(s)}' is not an ISO-8601 time with an offset, e.g. 2026-11-29T10:15:00Z"));
                return null;
            }

            return t;
        }
    }
}
