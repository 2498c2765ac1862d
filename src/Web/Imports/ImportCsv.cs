using System.Text;
using Relay.Imports;

namespace Relay.Web.Imports;

/// <summary>
/// The import result as CSV (RFC 4180): one header row with the mapped columns, one row per person, fields
/// quoted when they hold a comma, quote or line break, CRLF line ends, UTF-8.
/// </summary>
public static class ImportCsv
{
    /// <summary>The columns, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["personId", "firstName", "lastName", "email", "phone", "mobile", "title", "companyId", "companyName", "country", "category", "industry", "duplicateOf"];

    /// <summary>The header row, with its line end.</summary>
    public static string Header { get; } = string.Join(',', Columns) + "\r\n";

    /// <summary>One row, with its line end.</summary>
    public static string Row(ImportRow r)
    {
        var fields = new[]
        {
            Number(r.PersonId), r.FirstName, r.LastName, r.Email, r.Phone, r.Mobile, r.Title, Number(r.CompanyId), r.CompanyName, r.Country, r.Category, r.Industry, Number(r.DuplicateOf),
        };
        var line = new StringBuilder();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(Quote(fields[i]));
        }

        return line.Append("\r\n").ToString();
    }

    private static string? Number(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Quote(string? value) =>
        value is null ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;
}
