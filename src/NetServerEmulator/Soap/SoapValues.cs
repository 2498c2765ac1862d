namespace Relay.NetServerEmulator.Soap;

/// <summary>A carrier's members in the order they are written (NetServer's order: the WSDL's sequence).</summary>
public sealed class SoapObject : OrderedDictionary<string, object?>
{
    /// <summary>An empty carrier.</summary>
    public SoapObject()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>An array member: its items and the element name each item is written under.</summary>
public sealed class SoapList : List<object?>
{
    /// <summary>The namespace DataContract puts primitive array items in (<c>ArrayOfint</c>, <c>ArrayOfstring</c>).</summary>
    public const string Arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

    /// <summary>A list whose items are written as <paramref name="itemName"/> in <paramref name="itemNamespace"/> (null: the agent's).</summary>
    public SoapList(string itemName, IEnumerable<object?> items, string? itemNamespace = null)
        : base(items)
    {
        ItemName = itemName;
        ItemNamespace = itemNamespace;
    }

    /// <summary>The element name of one item, e.g. <c>EntityElement</c> or <c>int</c>.</summary>
    public string ItemName { get; }

    /// <summary>The namespace of the items; null for the agent's namespace.</summary>
    public string? ItemNamespace { get; }

    /// <summary>Carriers (or other values) written as <paramref name="itemName"/> in the agent's namespace.</summary>
    public static SoapList Of<T>(string itemName, IEnumerable<T> items) => new(itemName, items.Cast<object?>());

    /// <summary>An <c>ArrayOfint</c>.</summary>
    public static SoapList Ints(IEnumerable<int> values) => new("int", values.Cast<object?>(), Arrays);

    /// <summary>An <c>ArrayOfstring</c>.</summary>
    public static SoapList Strings(IEnumerable<string> values) => new("string", values, Arrays);
}
