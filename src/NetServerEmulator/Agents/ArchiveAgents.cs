using System.Xml.Linq;
using Relay.NetServerEmulator.Soap;
using static Relay.NetServerEmulator.Agents.AgentHandlers;

namespace Relay.NetServerEmulator.Agents;

/// <summary>Archive and Find: both query <see cref="ArchiveEngine"/>'s providers.</summary>
internal static class ArchiveAgents
{
    public static SoapObject GetArchiveListByColumns(SoapCall c)
    {
        var (rows, _) = ArchiveEngine.Query(c.Store, c.User, c.Str("ProviderName"), Strings(c.Body.El("Columns")), c.Body.El("Restriction"), c.Body.El("SortOrder"), c.Int("Page"), c.Int("PageSize"));
        return Response(rows);
    }

    public static SoapObject FindFromRestrictionsColumns(SoapCall c)
    {
        var columns = Strings(c.Body.El("DesiredColumns"));
        var (rows, total) = ArchiveEngine.Query(c.Store, c.User, c.Str("ProviderName"), columns, c.Body.El("Restrictions"), null, c.Int("PageNumber"), c.Int("PageSize"));
        return Response(new SoapObject
        {
            ["ArchiveColumns"] = SoapList.Of("ArchiveColumnInfo", columns.Select(name => new SoapObject { ["DisplayName"] = name, ["Name"] = name, ["IsVisible"] = true })),
            ["ArchiveRows"] = rows,
            ["RowCount"] = total,
        });
    }

    private static List<string> Strings(XElement? array) => [.. array.Els("string").Select(x => x.Value)];
}
