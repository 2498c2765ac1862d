using Relay.Contacts;

namespace Relay.Timeline;

/// <summary>One interaction in a timeline that may span several contacts.</summary>
[GenerateSerializer, Immutable, Alias("relay.merged-timeline-entry")]
public sealed record MergedTimelineEntry(
    [property: Id(0)] string ContactId,
    [property: Id(1)] string ContactName,
    [property: Id(2)] int? PersonId,
    [property: Id(3)] TimelineEntry Entry);

/// <summary>A page of a merged timeline, newest first.</summary>
public sealed record MergedTimeline(int Total, int Skip, IReadOnlyList<MergedTimelineEntry> Items, IReadOnlyList<ContactTimeline> Contacts);

/// <summary>
/// Reads the timeline of a SuperOffice person (all contacts linked to it) or company (all its linked
/// persons), merged newest first, from the index grains and the contact grains.
/// </summary>
public sealed class TimelineReader(IGrainFactory grains)
{
    /// <summary>The most contacts merged into one timeline; a company with more shows its most recent ones.</summary>
    public const int MaxContacts = 200;

    /// <summary>The timeline of every contact linked to the person.</summary>
    public async Task<MergedTimeline> ForPersonAsync(string tenantId, int personId, int skip, int take)
    {
        var contacts = await grains.GetGrain<IPersonContactsGrain>(LinkIndexKey.Of(tenantId, personId)).GetAsync();
        return await MergeAsync(tenantId, contacts, skip, take);
    }

    /// <summary>The timeline of every contact linked to a person of the company.</summary>
    public async Task<MergedTimeline> ForCompanyAsync(string tenantId, int companyId, int skip, int take)
    {
        var persons = await grains.GetGrain<ICompanyPersonsGrain>(LinkIndexKey.Of(tenantId, companyId)).GetAsync();
        var contacts = await Task.WhenAll(persons.Select(p => grains.GetGrain<IPersonContactsGrain>(LinkIndexKey.Of(tenantId, p)).GetAsync()));
        return await MergeAsync(tenantId, contacts.SelectMany(c => c).Distinct(StringComparer.Ordinal), skip, take);
    }

    private async Task<MergedTimeline> MergeAsync(string tenantId, IEnumerable<string> contactIds, int skip, int take)
    {
        skip = Math.Max(0, skip);
        take = Math.Max(0, take);
        var timelines = (await Task.WhenAll(contactIds.Take(MaxContacts).Select(c =>
                grains.GetGrain<IContactGrain>(ContactKey.Of(tenantId, c)).GetTimelineAsync(skip + take))))
            .OfType<ContactTimeline>()
            .ToList();
        var merged = timelines
            .SelectMany(t => t.NewestFirst.Select(e => new MergedTimelineEntry(t.ContactId, t.DisplayName, t.PersonId, e)))
            .OrderByDescending(e => e.Entry.OccurredAt)
            .ThenByDescending(e => e.Entry.ReceivedAt)
            .Skip(skip)
            .Take(take)
            .ToList();
        return new MergedTimeline(timelines.Sum(t => t.Total), skip, merged, timelines);
    }
}
