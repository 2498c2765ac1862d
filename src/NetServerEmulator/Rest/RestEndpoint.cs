using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Relay.NetServerEmulator.Agents;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using Relay.NetServerEmulator.Online;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Rest;

/// <summary>
/// Serves NetServer's REST "Agents" web API at <c>[/CustNNNNN or /app]/api/v1/Agents/{Agent}/{Operation}</c>: the same
/// operations as the SOAP agents, with JSON, through the same handlers, store, fault rules and request log. Also
/// <c>GET /api</c> (where the API lives) and <c>GET /api/v1/User/currentPrincipal</c> (who is calling).
/// </summary>
public sealed partial class RestEndpoint(EmulatorStore store, FaultInjector faults, RequestLog log, EmulatorOptions options, OnlineApplications applications)
{
    /// <summary>The services version whose contracts REST calls run with (REST always exposes the newest agents).</summary>
    public const string Version = "88";

    /// <summary>The request log's version for REST calls.</summary>
    public const string LogVersion = "rest";

    private const string ErrorSource = "SuperOffice.NetServer (emulator)";
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>The getters whose primary key is a camelCase query parameter: the SOAP member it fills and the entity's key member.</summary>
    private static readonly Dictionary<string, (string Parameter, string Member, string KeyMember)> QueryKeys = new(StringComparer.Ordinal)
    {
        ["Person.GetPersonEntity"] = ("personEntityId", "PersonEntityId", "PersonId"),
        ["Contact.GetContactEntity"] = ("contactEntityId", "ContactEntityId", "ContactId"),
        ["Sale.GetSaleEntity"] = ("saleEntityId", "SaleEntityId", "SaleId"),
        ["Appointment.GetAppointmentEntity"] = ("appointmentEntityId", "AppointmentEntityId", "AppointmentId"),
        ["Associate.GetAssociate"] = ("associateId", "AssociateId", "AssociateId"),
    };

    [GeneratedRegex(@"^(?<base>/[\w.-]+)?/api(?:/v1/(?:(?<principal>User/currentPrincipal)|Agents/(?<agent>[^/]+)/(?<operation>[^/]+)))?/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();

    /// <summary>Handles the request when its path is a REST Agents URL; returns false otherwise.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context)
    {
        var match = PathPattern().Match(context.Request.Path.Value ?? string.Empty);
        if (!match.Success)
        {
            return false;
        }

        if (match.Groups["agent"].Success)
        {
            await HandleAgentCallAsync(context, match.Groups["agent"].Value, match.Groups["operation"].Value);
        }
        else if (match.Groups["principal"].Success)
        {
            await HandleCurrentPrincipalAsync(context);
        }
        else
        {
            await HandleDiscoveryAsync(context, match.Groups["base"].Value);
        }

        return true;
    }

    /// <summary><c>GET {base}/api</c>: where version 1 lives and which services it runs; no authentication.</summary>
    private static async Task HandleDiscoveryAsync(HttpContext context, string prefix)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await WriteMethodNotAllowedAsync(context, "GET");
            return;
        }

        var request = context.Request;
        await WriteJsonAsync(context, StatusCodes.Status200OK, new SoapObject
        {
            ["v1"] = $"{request.Scheme}://{request.Host}{request.PathBase}{prefix}/api/v1/",
            ["Services"] = "Services" + Version,
            ["ServicesCurrent"] = "Services" + Version,
            ["NetServerVersion"] = "10.5 (Relay NetServer emulator)",
        });
    }

    /// <summary><c>GET {base}/api/v1/User/currentPrincipal</c>: the SoPrincipalCarrier of whoever the credentials name.</summary>
    private async Task HandleCurrentPrincipalAsync(HttpContext context)
    {
        var call = new LoggedCall(log, store, context, "User", "currentPrincipal", string.Empty);
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await WriteMethodNotAllowedAsync(context, "GET");
            call.Log(405, "method not allowed");
            return;
        }

        var (user, refusal) = Authenticate(context);
        if (user is null)
        {
            await WriteErrorAsync(context, refusal!);
            call.Log(refusal!.Status, "refused: " + refusal.Type);
            return;
        }

        var principal = SoPrincipalAgent.Principal(store, user);
        principal["UserName"] = user.UserName;
        principal["PersonId"] = 0;
        principal["ContactId"] = 0;
        await WriteJsonAsync(context, StatusCodes.Status200OK, principal);
        call.Log(200, "ok");
    }

    private async Task HandleAgentCallAsync(HttpContext context, string agentName, string operationName)
    {
        var agent = OperationTable.Agents.FirstOrDefault(a => a != "SoPrincipal" && string.Equals(a, agentName, StringComparison.OrdinalIgnoreCase));
        var operation = agent is null ? null : OperationTable.Of(Version, agent).FirstOrDefault(o => string.Equals(o.Name, operationName, StringComparison.OrdinalIgnoreCase));
        var body = await ReadBodyAsync(context);
        var call = new LoggedCall(log, store, context, agent ?? agentName, operation?.Name ?? operationName, context.Request.QueryString.Value + (context.Request.QueryString.HasValue && body.Length > 0 ? "\n" : string.Empty) + body);
        if (agent is null || operation is null)
        {
            await WriteErrorAsync(context, new RestError(StatusCodes.Status404NotFound, "NotSupportedException", $"No agent operation {agentName}/{operationName} in the REST Agents API"));
            call.Log(404, "no such operation");
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            // As WebAPI: an Agents URL runs on POST only (SuperOffice's GET only describes it).
            await WriteMethodNotAllowedAsync(context, "POST");
            call.Log(405, "method not allowed");
            return;
        }

        if (body.Length > 0 && !IsJson(context.Request.ContentType))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            call.Log(415, "unsupported media type");
            return;
        }

        XElement request;
        try
        {
            request = RequestElement(agent, operation.Name, context.Request.Query, body);
        }
        catch (Exception e) when (e is JsonException or InvalidRequestException)
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, new SoapObject { ["Message"] = "The request is invalid.", ["MessageDetail"] = e.Message });
            call.Log(400, "invalid request: " + e.Message);
            return;
        }

        var plan = await FaultPlan.DrawAsync(faults, agent, operation.Name, context.RequestAborted);
        if (plan.Refusal is { } rule)
        {
            var outcome = FaultPlan.RefusalOutcome(rule);
            if (await FaultPlan.TryWriteCommonRefusalAsync(context, rule, status => call.Log(status, outcome)))
            {
                return;
            }

            if (rule.Kind == FaultKind.Http500)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body><h1>Internal Server Error</h1></body></html>", context.RequestAborted);
            }
            else
            {
                await WriteErrorAsync(context, new RestError(StatusCodes.Status500InternalServerError, rule.ExceptionType, rule.Message));
            }

            call.Log(500, outcome);
            return;
        }

        await plan.HoldBeforeCommitAsync();
        var (user, refusal) = Authenticate(context);
        var (result, failure) = user is null
            ? (null, null)
            : AgentHandlers.Run(() => AgentHandlers.Handle(new SoapCall(Version, agent, operation, request, null, store, user)));
        if (plan.HangsUp)
        {
            // The write is done; the caller never hears about it.
            call.Log(0, plan.HangUpOutcome);
            await plan.HangUpAsync(context);
            return;
        }

        var key = QueryKeys.GetValueOrDefault($"{agent}.{operation.Name}");
        if (refusal is not null)
        {
            await WriteErrorAsync(context, refusal);
            call.Log(refusal.Status, "refused: " + refusal.Type);
        }
        else if (failure is not null && !(key.KeyMember is not null && failure.ExceptionType == "EntityNotFoundException"))
        {
            await WriteErrorAsync(context, new RestError(StatusCodes.Status500InternalServerError, failure.ExceptionType, failure.Message));
            call.Log(500, "ExceptionInfo " + failure.ExceptionType);
        }
        else if (result is not null && !result.ContainsKey("Response"))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            call.Log(204, "ok");
        }
        else
        {
            // A getter answers null for an entity that is not there, whether the handler said so with a nil, id 0 or NotFound.
            var value = result?.GetValueOrDefault("Response");
            if (key.KeyMember is not null && value is SoapObject entity && entity.GetValueOrDefault(key.KeyMember) is 0)
            {
                value = null;
            }

            await WriteJsonAsync(context, StatusCodes.Status200OK, value);
            call.Log(200, failure is null ? "ok" : "not found: " + failure.Message);
        }
    }

    /// <summary>The request carrier the SOAP handler reads, from the query string and the JSON body, per the operation's REST shape.</summary>
    private static XElement RequestElement(string agent, string operation, IQueryCollection query, string body)
    {
        var request = new XElement(operation);
        if (QueryKeys.TryGetValue($"{agent}.{operation}", out var key))
        {
            if (!int.TryParse(query[key.Parameter].ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                throw new InvalidRequestException($"The parameters dictionary contains a null entry for parameter '{key.Parameter}'.");
            }

            request.Add(new XElement(key.Member, id));
            return request;
        }

        using var json = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "null" : body);
        var root = json.RootElement;
        if (operation.StartsWith("CreateDefault", StringComparison.Ordinal) || agent == "List")
        {
            return request;
        }

        if (operation.StartsWith("Save", StringComparison.Ordinal) && operation.EndsWith("Entity", StringComparison.Ordinal))
        {
            // The entity is the body itself, with no wrapper.
            Require(root, operation, JsonValueKind.Object);
            request.Add(RestJson.ToElement(operation["Save".Length..], root));
            return request;
        }

        if (agent == "Associate" && operation == "GetAssociateList" && root.ValueKind == JsonValueKind.Array)
        {
            request.Add(RestJson.ToElement("AssociateIds", root));
            return request;
        }

        Require(root, operation, JsonValueKind.Object);
        if (root.ValueKind == JsonValueKind.Object)
        {
            request.Add(root.EnumerateObject().Select(p => RestJson.ToElement(p.Name, p.Value)));
        }

        return request;
    }

    private static void Require(JsonElement root, string operation, JsonValueKind kind)
    {
        if (root.ValueKind != kind && root.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidRequestException($"{operation} takes a JSON {kind.ToString().ToLowerInvariant()} as its body, not {root.ValueKind.ToString().ToLowerInvariant()}.");
        }
    }

    /// <summary>
    /// Who the call runs as: <c>SOTicket</c> (a ticket, as SOAP's Credentials), or <c>Basic</c> (user name and password,
    /// onsite only). Online calls must carry a registered application's client secret as <c>SO-AppToken</c>.
    /// </summary>
    private (AssociateRecord? User, RestError? Refusal) Authenticate(HttpContext context)
    {
        var online = OnlineGate.IsOnline(context);
        var appToken = context.Request.Headers["SO-AppToken"].ToString();
        if (online && applications.FindBySecret(appToken) is null)
        {
            return (null, new RestError(StatusCodes.Status403Forbidden, "ApplicationTokenRequired", "An SO-AppToken of a registered application is required to access an Online tenant"));
        }

        if (options.RequiredApplicationToken is { } required && appToken != required)
        {
            return (null, new RestError(StatusCodes.Status403Forbidden, "SoApplicationTokenException", "The application token is missing or invalid"));
        }

        if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization.ToString(), out var header) || string.IsNullOrEmpty(header.Parameter))
        {
            return (null, Unauthorized("SoSessionExpiredException", "No credentials were supplied"));
        }

        switch (header.Scheme.ToUpperInvariant())
        {
            case "SOTICKET":
                return store.UseTicket(header.Parameter) is { } user
                    ? (user, null)
                    : (null, Unauthorized("SoSessionExpiredException", "The ticket is invalid or has expired; authenticate again"));
            case "BASIC" when online:
                return (null, Unauthorized("SoAuthenticationException", "Basic is not allowed in Online"));
            case "BASIC":
                var (userName, password) = DecodeBasic(header.Parameter);
                return SoPrincipalAgent.Verify(store, userName, password).Associate is { } associate
                    ? (associate, null)
                    : (null, Unauthorized("SoAuthenticationException", "Unknown user name or wrong password"));
            default:
                // SuperID's access tokens (8A:) are not kept by the emulator, so Bearer never names a user here.
                return (null, Unauthorized("SoAuthenticationException", $"The {header.Scheme} authentication scheme is not supported by the emulator; use SOTicket or Basic"));
        }
    }

    private static (string? UserName, string? Password) DecodeBasic(string parameter)
    {
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter)).Split(':', 2);
            return pair.Length == 2 ? (pair[0], pair[1]) : (null, null);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    private static RestError Unauthorized(string type, string message) => new(StatusCodes.Status401Unauthorized, type, message);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    /// <summary>NetServer's error object: <c>{"Error": true, "ErrorType", "ErrorMessage", "ErrorSource"}</c>; a 401 also names the scheme to use.</summary>
    private static Task WriteErrorAsync(HttpContext context, RestError error)
    {
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "SOTicket";
        }

        return WriteJsonAsync(context, error.Status, new SoapObject
        {
            ["Error"] = true, ["ErrorType"] = error.Type, ["ErrorMessage"] = error.Message, ["ErrorSource"] = ErrorSource,
        });
    }

    private static Task WriteMethodNotAllowedAsync(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return WriteJsonAsync(context, StatusCodes.Status405MethodNotAllowed, new SoapObject
        {
            ["Message"] = $"The requested resource does not support http method '{context.Request.Method}'.",
        });
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, object? value)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            RestJson.Write(writer, value);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    /// <summary>A refusal or failure, with NetServer's exception type name.</summary>
    private sealed record RestError(int Status, string Type, string Message);

    /// <summary>A request WebAPI's model binding refuses (400).</summary>
    private sealed class InvalidRequestException(string message) : Exception(message);

    /// <summary>One REST call as the request log shows it.</summary>
    private sealed class LoggedCall(RequestLog log, EmulatorStore store, HttpContext context, string agent, string operation, string request)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly string? _contentType = context.Request.ContentType;

        public void Log(int status, string outcome) => log.Add(sequence => new RequestLogEntry(
            sequence, store.Now, context.Request.Path.Value ?? string.Empty, LogVersion, agent, operation, null,
            _contentType, status, outcome, Stopwatch.GetElapsedTime(_started).TotalMilliseconds, request));
    }
}
