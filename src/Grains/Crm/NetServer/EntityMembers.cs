namespace Relay.Crm.NetServer;

/// <summary>
/// Member order of the carriers Relay edits (Services88, a superset of Services75 in the same order), base
/// <c>Carrier</c> members first. Used to insert a member the server left out at its place in the sequence.
/// </summary>
internal static class EntityMembers
{
    public static readonly string[] PersonEntity =
    [
        "TableRight", "FieldProperties", "PersonId", "Firstname", "MiddleName", "Lastname", "Mrmrs", "Title", "UpdatedDate", "CreatedDate",
        "BirthDate", "CreatedBy", "Emails", "Description", "IsAssociate", "PrivatePhones", "Faxes", "MobilePhones", "OfficePhones",
        "OtherPhones", "Position", "UpdatedBy", "Contact", "Country", "Interests", "PersonNumber", "FullName", "NoMailing",
        "UsePersonAddress", "Retired", "Urls", "FormalName", "Address", "Post3", "Post2", "Post1", "Kanalname", "Kanafname",
        "CorrespondingAssociate", "Category", "Business", "Associate", "Salutation", "ActiveInterests", "SupportAssociate",
        "TicketPriority", "CustomerLanguage", "DbiAgentId", "DbiKey", "DbiLastModified", "DbiLastSyncronized", "SentInfo",
        "ShowContactTickets", "UserInfo", "ChatEmails", "InternetPhones", "Source", "ActiveErpLinks", "ShipmentTypes", "Consents",
        "BounceEmails", "UserDefinedFields", "ExtraFields", "CustomFields",
    ];

    public static readonly string[] ContactEntity =
    [
        "TableRight", "FieldProperties", "ContactId", "Name", "Department", "OrgNr", "Number1", "Number2", "UpdatedDate", "CreatedDate",
        "Emails", "Interests", "Urls", "Phones", "Faxes", "Description", "UpdatedBy", "CreatedBy", "Associate", "Business", "Category",
        "Country", "Persons", "NoMailing", "Kananame", "Xstop", "ActiveInterests", "GroupId", "ActiveStatusMonitorId", "SupportAssociate",
        "TicketPriority", "CustomerLanguage", "Deleted", "DbiAgentId", "DbiLastSyncronized", "DbiKey", "DbiLastModified", "SupportPerson",
        "Address", "Source", "ActiveErpLinks", "BounceEmails", "UserDefinedFields", "ExtraFields", "CustomFields",
    ];

    public static readonly string[] SaleEntity =
    [
        "TableRight", "FieldProperties", "Appointment", "Associate", "UpdatedBy", "CreatedBy", "Contact", "Project", "SaleText", "Person",
        "Currency", "Competitor", "Credited", "Rating", "Reason", "Source", "Status", "Saledate", "Amount", "SaleId", "Earning",
        "EarningPercent", "Heading", "Number", "Probability", "CreatedDate", "UpdatedDate", "Completed", "ActiveLinks", "Links",
        "NextDueDate", "Postit", "SaleType", "ReasonSold", "ReasonStalled", "ReopenDate", "SaleStakeholders", "ActiveErpLinks",
        "UserDefinedFields", "ExtraFields", "CustomFields", "PublishEventDate", "PublishTo", "PublishFrom", "IsPublished", "VisibleFor",
    ];

    public static readonly string[] AppointmentEntity =
    [
        "TableRight", "FieldProperties", "Associate", "Contact", "CreatedBy", "UpdatedBy", "CreatedDate", "AppointmentId", "Description",
        "StartDate", "EndDate", "InvitedPerson", "Person", "MotherId", "Priority", "Private", "Project", "Type", "UpdatedDate", "Completed",
        "ActiveLinks", "Links", "AlarmLeadTime", "HasAlarm", "ColorIndex", "IsFree", "IsAlldayEvent", "LagTime", "LeadTime", "Location",
        "RejectCounter", "RejectReason", "Recurrence", "Participants", "AssignmentStatus", "InvitationStatus", "BookingType", "ActiveDate",
        "HasConflict", "AssignedBy", "MotherAssociate", "Task", "PreferredTZLocation", "Sale", "SuggestedAppointmentId", "IsMileStone",
        "CautionWarning", "UserDefinedFields", "ExtraFields", "CustomFields", "PublishEventDate", "PublishTo", "PublishFrom", "IsPublished",
        "VisibleFor",
    ];
}
