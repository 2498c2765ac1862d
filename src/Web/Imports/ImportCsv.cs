using System.Buffers;
using System.Text;
using Relay.Imports;

namespace Relay.Web.Imports;

/// <summary>
/// The import result as CSV (RFC 4180): one header row with the mapped columns, one row per person, fields
/// quoted when they hold a comma, quote or line break, CRLF line ends, UTF-8. A field a spreadsheet would run as a
/// formula is written as text (see <see cref="Neutralise"/>).
/// </summary>
public static class ImportCsv
{
    // Excel, LibreOffice and Google Sheets start a formula at any of these (OWASP's CSV injection list).
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");

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

            line.Append(Quote(Neutralise(fields[i])));
        }

        return line.Append("\r\n").ToString();
    }

    /// <summary>
    /// The value a spreadsheet shows as text: one starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR gets
    /// a leading single quote (OWASP's advice), so an imported name like <c>=HYPERLINK(…)</c> cannot run when opened.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Neutralise(string? value) =>
        value is { Length: > 0 } && FormulaStarts.Contains(value[0]) ? "'" + value : value;

    private static string? Number(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Quote(string? value) =>
        value is null ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;
}
