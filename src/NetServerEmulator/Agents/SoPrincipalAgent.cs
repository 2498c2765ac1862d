using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Agents;

/// <summary>SoPrincipal: logging in with a user name and password, or with a ticket as the user name.</summary>
internal static class SoPrincipalAgent
{
    public static SoapObject AuthenticateUsernamePassword(SoapCall c)
    {
        var userName = c.Str("UserName");
        var password = c.Str("Password") ?? string.Empty;
        var (associate, ticket) = c.Store.Write(s =>
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
        if (associate is null)
        {
            return new SoapObject { ["Response"] = null, ["Credentials"] = null, ["AuthenticationSucceeded"] = false };
        }

        ticket ??= c.Store.IssueTicket(associate.AssociateId).Ticket;
        return new SoapObject
        {
            ["Response"] = new SoapObject
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
                ["DatabaseContextIdentifier"] = c.Store.ContextIdentifier,
            },
            ["Credentials"] = new SoapObject { ["Ticket"] = ticket },
            ["AuthenticationSucceeded"] = true,
        };
    }
}
