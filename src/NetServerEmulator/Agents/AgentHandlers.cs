using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Agents;

/// <summary>
/// The operations the emulator implements, one dispatch table over the agents' files, with NetServer's semantics as
/// far as Relay relies on them. Each returns the members of the response element (usually just <c>Response</c>).
/// </summary>
internal static class AgentHandlers
{
    private static readonly Dictionary<string, Func<SoapCall, SoapObject>> Table = new(StringComparer.Ordinal)
    {
        ["SoPrincipal.AuthenticateUsernamePassword"] = SoPrincipalAgent.AuthenticateUsernamePassword,
        ["EMail.FindAddress"] = PersonAgent.FindAddress,
        ["Person.GetPersonEntity"] = PersonAgent.GetPersonEntity,
        ["Person.CreateDefaultPersonEntity"] = PersonAgent.CreateDefaultPersonEntity,
        ["Person.SavePersonEntity"] = PersonAgent.SavePersonEntity,
        ["Person.SetConsent"] = ConsentAgent.SetConsent,
        ["Person.RemoveConsent"] = ConsentAgent.RemoveConsent,
        ["Person.GetConsentInfos"] = ConsentAgent.GetConsentInfos,
        ["Contact.GetContactEntity"] = ContactAgent.GetContactEntity,
        ["Contact.CreateDefaultContactEntity"] = ContactAgent.CreateDefaultContactEntity,
        ["Contact.SaveContactEntity"] = ContactAgent.SaveContactEntity,
        ["Sale.GetSaleEntity"] = ActivityAgents.GetSaleEntity,
        ["Sale.CreateDefaultSaleEntity"] = ActivityAgents.CreateDefaultSaleEntity,
        ["Sale.SaveSaleEntity"] = ActivityAgents.SaveSaleEntity,
        ["Appointment.GetAppointmentEntity"] = ActivityAgents.GetAppointmentEntity,
        ["Appointment.CreateDefaultAppointmentEntity"] = ActivityAgents.CreateDefaultAppointmentEntity,
        ["Appointment.SaveAppointmentEntity"] = ActivityAgents.SaveAppointmentEntity,
        ["Archive.GetArchiveListByColumns"] = ArchiveAgents.GetArchiveListByColumns,
        ["Find.FindFromRestrictionsColumns"] = ArchiveAgents.FindFromRestrictionsColumns,
        ["Selection.AddContactSelectionMembers"] = c => MembershipAgents.SelectionMembers(c, add: true),
        ["Selection.RemoveContactSelectionMembers"] = c => MembershipAgents.SelectionMembers(c, add: false),
        ["Project.AddProjectMembers"] = MembershipAgents.AddProjectMembers,
        ["Project.DeleteProjectMembers"] = MembershipAgents.DeleteProjectMembers,
        ["Project.GetProjectMembers"] = MembershipAgents.GetProjectMembers,
        ["User.GetAllUserGroups"] = ListAgents.GetAllUserGroups,
        ["Associate.GetAssociate"] = ListAgents.GetAssociate,
        ["Associate.GetAssociateList"] = ListAgents.GetAssociateList,
        ["MDO.GetList"] = ListAgents.GetMdoList,
        ["List.GetCountries"] = ListAgents.GetCountries,
        ["List.GetCategories"] = ListAgents.GetCategories,
        ["List.GetBusinesses"] = ListAgents.GetBusinesses,
    };

    /// <summary>The implemented operations as <c>Agent.Operation</c>; <see cref="OperationTable"/> is built from them.</summary>
    public static IEnumerable<string> Names => Table.Keys;

    public static SoapObject Handle(SoapCall call) =>
        Table.TryGetValue($"{call.Agent}.{call.Operation.Name}", out var handler)
            ? handler(call)
            : throw new NetServerException($"{call.Agent}.{call.Operation.Name} is not implemented by the emulator", "NotSupportedException");

    /// <summary>
    /// Runs a call; a failure NetServer reports (in SOAP's <c>ExceptionInfo</c>, REST's error body) comes back as a
    /// <see cref="NetServerException"/> instead of being thrown.
    /// </summary>
    public static (SoapObject? Result, NetServerException? Failure) Run(Func<SoapObject> call)
    {
        try
        {
            return (call(), null);
        }
        catch (NetServerException e)
        {
            return (null, e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return (null, new NetServerException(e.Message, e.GetType().Name));
        }
    }

    /// <summary>The usual response: one <c>Response</c> member.</summary>
    public static SoapObject Response(object? value) => new() { ["Response"] = value };
}
