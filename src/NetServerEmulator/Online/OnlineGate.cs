using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Online;

/// <summary>
/// Which host may serve the tenant's paths <c>/{ctx}/…</c>, as SuperOffice Online decides before NetServer sees the call:
/// a numbered host that is not the current one answers 421, the current one 503 while the tenant is not running. On the
/// un-numbered host the same path is the onsite NetServer of old, unless the call carries a registered application's
/// ApplicationToken (SOAP header, or REST's SO-AppToken): then it is an Online client at the wrong address, and hears 421 too.
/// </summary>
public sealed class OnlineGate(OnlineTenant tenant, OnlineApplications applications, EmulatorStore store, RequestLog log)
{
    /// <summary>What SuperOffice answers, with 421, for a tenant's path on a host that does not serve it.</summary>
    public const string WrongHostText = "Wrong subdomain used to access tenant";

    private const string OnlineItem = "Relay.NetServerEmulator.Online";

    /// <summary>Whether the gate let this request through as an Online call (so it must carry a registered ApplicationToken).</summary>
    public static bool IsOnline(HttpContext context) => context.Items.ContainsKey(OnlineItem);

    /// <summary>Answers 421 or 503 when the request may not reach the tenant here; returns false when it goes on.</summary>
    public async Task<bool> TryRefuseAsync(HttpContext context)
    {
        var ctx = store.ContextIdentifier;
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith("/" + ctx, StringComparison.OrdinalIgnoreCase) || (path.Length > ctx.Length + 1 && path[ctx.Length + 1] != '/'))
        {
            return false;
        }

        var host = tenant.IndexOfPort(context.Connection.LocalPort);
        if (host < 0)
        {
            if (!await CarriesRegisteredApplicationTokenAsync(context))
            {
                return false;
            }

            await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest, WrongHostText, "un-numbered host");
            return true;
        }

        var current = tenant.CurrentHost;
        if (host != current)
        {
            await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest, WrongHostText, $"host {host}, tenant on host {current}");
            return true;
        }

        if (!tenant.IsRunning)
        {
            var state = tenant.State;
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, $"Tenant {ctx} is not running ({state})", "tenant " + state);
            return true;
        }

        context.Items[OnlineItem] = true;
        return false;
    }

    private async Task<bool> CarriesRegisteredApplicationTokenAsync(HttpContext context)
    {
        // A REST call names its application in a header.
        if (applications.FindBySecret(context.Request.Headers["SO-AppToken"].ToString()) is not null)
        {
            return true;
        }

        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.ContentType?.StartsWith("text/xml", StringComparison.OrdinalIgnoreCase) != true)
        {
            return false;
        }

        // Read once and rewind: the SOAP endpoint reads the same body after this.
        context.Request.EnableBuffering();
        try
        {
            var envelope = await XElement.LoadAsync(context.Request.Body, LoadOptions.None, context.RequestAborted);
            var token = envelope.Element(XName.Get("Header", SoapReplies.Envelope))?.Elements().FirstOrDefault(e => e.Name.LocalName == "ApplicationToken")?.Value;
            return applications.FindBySecret(token) is not null;
        }
        catch (XmlException)
        {
            return false;
        }
        finally
        {
            context.Request.Body.Position = 0;
        }
    }

    private async Task RefuseAsync(HttpContext context, int status, string text, string outcome)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
        log.Add(sequence => new RequestLogEntry(
            sequence, store.Now, context.Request.Path.Value ?? string.Empty, string.Empty, string.Empty, string.Empty,
            context.Request.Headers["SOAPAction"].ToString().Trim('"'), context.Request.ContentType, status, outcome,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, string.Empty));
    }
}
