using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Agents;

/// <summary>SoPrincipal: logging in with a user name and password, or with a ticket as the user name.</summary>
internal static class SoPrincipalAgent
{
    public static SoapObject AuthenticateUsernamePassword(SoapCall c)
    {
        var (associate, ticket) = Verify(c.Store, c.Str("UserName"), c.Str("Password"));
        if (associate is null)
        {
            return new SoapObject { ["Response"] = null, ["Credentials"] = null, ["AuthenticationSucceeded"] = false };
        }

        ticket ??= c.Store.IssueTicket(associate.AssociateId).Ticket;
        return new SoapObject
        {
            ["Response"] = Principal(c.Store, associate),
            ["Credentials"] = new SoapObject { ["Ticket"] = ticket },
            ["AuthenticationSucceeded"] = true,
        };
    }

    /// <summary>
    /// The associate a user name and password log in as (null when they do not match), and the ticket when the
    /// "user name" was a valid ticket with a blank password; shared with the REST endpoint's Basic authentication.
    /// </summary>
    public static (AssociateRecord? Associate, string? Ticket) Verify(EmulatorStore store, string? userName, string? password)
    {
        password ??= string.Empty;
        return store.Write(s =>
        {
            // A valid ticket is accepted as user name with a blank password (NetServer does the same).
            if (password.Length == 0 && userName is not null && s.Tickets.TryGetValue(userName, out var existing) && existing.ExpiresAt > s.Now)
            {
                existing.ExpiresAt = s.Now + s.TicketLifetime;
                return (s.Associates.GetValueOrDefault(existing.AssociateId), existing.Ticket);
            }

            var match = s.Associates.Values.FirstOrDefault(a => string.Equals(a.UserName, userName, StringComparison.OrdinalIgnoreCase) && a.Password == password && password.Length > 0);
            return (match, (string?)null);
        });
    }

    /// <summary>The SoPrincipalCarrier of a logged-in associate.</summary>
    public static SoapObject Principal(EmulatorStore store, AssociateRecord associate) => new()
    {
        ["UserType"] = "InternalAssociate",
        ["Associate"] = associate.UserName,
        ["AssociateId"] = associate.AssociateId,
        ["IsPerson"] = true,
        ["GroupId"] = associate.GroupId,
        ["RoleName"] = "User",
        ["RoleType"] = "Employee",
        ["FullName"] = associate.FullName,
        ["EMailAddress"] = associate.Email,
        ["FunctionRights"] = SoapList.Strings([]),
        ["EjUserStatus"] = "StatusNormal",
        ["SecondaryGroups"] = SoapList.Ints(associate.SecondaryGroups),
        ["DatabaseContextIdentifier"] = store.ContextIdentifier,
    };
}
