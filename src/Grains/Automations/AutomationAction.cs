using System.Text.Json.Serialization;

namespace Relay.Automations;

/// <summary>One CRM effect an automation asks for. The JSON field <c>type</c> says which.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(CreateSaleAction), "createSale")]
[JsonDerivedType(typeof(CreateTaskAction), "createTask")]
[JsonDerivedType(typeof(NotifySalesRepAction), "notifySalesRep")]
[JsonDerivedType(typeof(AddToSelectionAction), "addToSelection")]
[JsonDerivedType(typeof(RemoveFromSelectionAction), "removeFromSelection")]
[JsonDerivedType(typeof(AddToProjectAction), "addToProject")]
[JsonDerivedType(typeof(RemoveFromProjectAction), "removeFromProject")]
[JsonDerivedType(typeof(AddInterestAction), "addInterest")]
[JsonDerivedType(typeof(RemoveInterestAction), "removeInterest")]
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action")]
public abstract record AutomationAction
{
    /// <summary>The action's kind, as the contract and the outcomes name it.</summary>
    [JsonIgnore]
    public abstract ActionKind Kind { get; }

    /// <summary>Whether a sales rep sees the result; these go before bulk work.</summary>
    [JsonIgnore]
    public bool IsRepFacing => Kind is ActionKind.CreateSale or ActionKind.CreateTask or ActionKind.NotifySalesRep;
}

/// <summary>The kinds of <see cref="AutomationAction"/>.</summary>
public enum ActionKind
{
    /// <summary>Create a sale.</summary>
    CreateSale = 0,

    /// <summary>Create a pending activity (a task in the checklist).</summary>
    CreateTask = 1,

    /// <summary>Create a completed activity that tells the sales rep what happened.</summary>
    NotifySalesRep = 2,

    /// <summary>Add the person to a static selection.</summary>
    AddToSelection = 3,

    /// <summary>Remove the person from a static selection.</summary>
    RemoveFromSelection = 4,

    /// <summary>Add the person to a project.</summary>
    AddToProject = 5,

    /// <summary>Remove the person from a project.</summary>
    RemoveFromProject = 6,

    /// <summary>Select one of the person's interests.</summary>
    AddInterest = 7,

    /// <summary>Deselect one of the person's interests.</summary>
    RemoveInterest = 8,
}

/// <summary>Who owns what an action creates.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action-owner")]
public sealed record ActionOwner(
    [property: Id(0)] OwnerKind Kind,
    [property: Id(1)] int? AssociateId = null)
{
    /// <summary>The company's own associate (its "our contact").</summary>
    public static ActionOwner CompanyAssociate { get; } = new(OwnerKind.CompanyAssociate);

    /// <summary>A fixed associate.</summary>
    public static ActionOwner Associate(int associateId) => new(OwnerKind.Associate, associateId);
}

/// <summary>How the owner of a created object is chosen.</summary>
public enum OwnerKind
{
    /// <summary>A fixed associate id.</summary>
    Associate = 0,

    /// <summary>The associate responsible for the person's company; the tenant's default owner when there is none.</summary>
    CompanyAssociate = 1,
}

/// <summary>Create a sale.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.create-sale")]
public sealed record CreateSaleAction(
    [property: Id(0)] string Heading,
    [property: Id(1)] double Amount,
    [property: Id(2)] int? SaleTypeId,
    [property: Id(3)] int Probability,
    [property: Id(4)] ActionOwner Owner) : AutomationAction
{
    public override ActionKind Kind => ActionKind.CreateSale;
}

/// <summary>Create a pending activity (task) due in <see cref="DueInDays"/> days.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.create-task")]
public sealed record CreateTaskAction(
    [property: Id(0)] int? TaskTypeId,
    [property: Id(1)] string Description,
    [property: Id(2)] int DueInDays,
    [property: Id(3)] ActionOwner Owner) : AutomationAction
{
    public override ActionKind Kind => ActionKind.CreateTask;
}

/// <summary>Create a completed activity that notifies the owner.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.notify-sales-rep")]
public sealed record NotifySalesRepAction(
    [property: Id(0)] int? TaskTypeId,
    [property: Id(1)] string Description,
    [property: Id(2)] ActionOwner Owner) : AutomationAction
{
    public override ActionKind Kind => ActionKind.NotifySalesRep;
}

/// <summary>Add the person to a static selection.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.add-to-selection")]
public sealed record AddToSelectionAction([property: Id(0)] int SelectionId) : AutomationAction
{
    public override ActionKind Kind => ActionKind.AddToSelection;
}

/// <summary>Remove the person from a static selection.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.remove-from-selection")]
public sealed record RemoveFromSelectionAction([property: Id(0)] int SelectionId) : AutomationAction
{
    public override ActionKind Kind => ActionKind.RemoveFromSelection;
}

/// <summary>Add the person to a project.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.add-to-project")]
public sealed record AddToProjectAction([property: Id(0)] int ProjectId) : AutomationAction
{
    public override ActionKind Kind => ActionKind.AddToProject;
}

/// <summary>Remove the person from a project.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.remove-from-project")]
public sealed record RemoveFromProjectAction([property: Id(0)] int ProjectId) : AutomationAction
{
    public override ActionKind Kind => ActionKind.RemoveFromProject;
}

/// <summary>Select one of the person's interests.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.add-interest")]
public sealed record AddInterestAction([property: Id(0)] int InterestId) : AutomationAction
{
    public override ActionKind Kind => ActionKind.AddInterest;
}

/// <summary>Deselect one of the person's interests.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action.remove-interest")]
public sealed record RemoveInterestAction([property: Id(0)] int InterestId) : AutomationAction
{
    public override ActionKind Kind => ActionKind.RemoveInterest;
}
