using System.Globalization;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;
using static Relay.NetServerEmulator.Agents.AgentHandlers;

namespace Relay.NetServerEmulator.Agents;

/// <summary>The pick lists and users: User groups, Associate, MDO lists and List's countries, categories and businesses.</summary>
internal static class ListAgents
{
    public static SoapObject GetAllUserGroups(SoapCall c) => Response(c.Store.Read(s => SoapList.Of("UserGroup", s.UserGroups.Select((g, i) => new SoapObject
    {
        ["Value"] = g.Name, ["Tooltip"] = g.Name, ["Id"] = g.Id, ["Rank"] = i + 1, ["Deleted"] = 0,
    }))));

    public static SoapObject GetAssociate(SoapCall c) =>
        Response(c.Store.Read(s => s.Associates.ContainsKey(c.Int("AssociateId")) ? Carriers.Associate(s, c.Int("AssociateId")) : null));

    public static SoapObject GetAssociateList(SoapCall c) => Response(c.Store.Read(s => SoapList.Of("Associate", c.Body.El("AssociateIds").Els("int")
        .Select(e => int.Parse(e.Value, CultureInfo.InvariantCulture)).Where(s.Associates.ContainsKey).Select(id => Carriers.Associate(s, id)))));

    public static SoapObject GetCountries(SoapCall c) => Response(c.Store.Read(s => SoapList.Of("Country", s.Countries.Select(x => Carriers.Country(s, x.Id)))));

    public static SoapObject GetCategories(SoapCall c) => Response(c.Store.Read(s => SoapList.Of("Category", s.Categories.Select(IdValue))));

    public static SoapObject GetBusinesses(SoapCall c) => Response(c.Store.Read(s => SoapList.Of("Business", s.Businesses.Select(IdValue))));

    public static SoapObject GetMdoList(SoapCall c)
    {
        var name = (c.Str("Name") ?? string.Empty).ToLowerInvariant();
        var flat = c.Body.Bool("ForceFlatList");
        return Response(c.Store.Read(s =>
        {
            static SoapObject Item(int id, string text, int rank, string? type = null, IEnumerable<SoapObject>? children = null) =>
                new() { ["Id"] = id, ["Name"] = text, ["ToolTip"] = text, ["Rank"] = rank, ["Type"] = type, ["ChildItems"] = Items(children ?? []) };

            static SoapList Items(IEnumerable<SoapObject> items) => SoapList.Of("MDOListItem", items);
            static SoapList Ranked(IEnumerable<ListItem> items) => Items(items.Select((x, i) => Item(x.Id, x.Name, i + 1)));
            return name switch
            {
                "associate" when flat => Items(s.Associates.Values.OrderBy(a => a.AssociateId).Select((a, i) => Item(a.AssociateId, a.FullName, i + 1, "associate"))),
                "associate" => Items(s.UserGroups.Select((g, i) => Item(-g.Id, g.Name, i + 1, "usergroup",
                    s.Associates.Values.Where(a => a.GroupId == g.Id).OrderBy(a => a.AssociateId).Select((a, j) => Item(a.AssociateId, a.FullName, j + 1, "associate"))))),
                "usergroup" => Ranked(s.UserGroups),
                "persinterest" => Ranked(s.Interests),
                "saletype" => Ranked(s.SaleTypes),
                "task" => Ranked(s.TaskTypes),
                "category" => Ranked(s.Categories),
                "business" => Ranked(s.Businesses),
                "country" => Ranked(s.Countries),
                _ => throw new NetServerException($"Unknown MDO list '{name}'", "MDOProviderNotFoundException"),
            };
        }));
    }

    private static SoapObject IdValue(ListItem x) => new() { ["Id"] = x.Id, ["Value"] = x.Name };
}
