using Relay.Crm;
using Relay.Imports;
using Relay.Web.Imports;

namespace Relay.Tests.Imports;

/// <summary>The import rules and the CSV format, without a cluster.</summary>
public sealed class ImportDecisionsTests
{
    [Fact]
    public void The_first_member_with_an_address_is_addressable_and_later_ones_are_duplicates_of_it()
    {
        CrmMember[] members =
        [
            new(1, 10, "Ann", "Berg", "Ann@Example.com ", "Berg AB"),
            new(2, 10, "Bo", "Berg", null, "Berg AB"),
            new(3, 11, "Cid", "Lund", "ann@example.com", "Lund AB"),
        ];
        var winners = new Dictionary<string, int> { ["ann@example.com"] = 1 };

        var rows = ImportDecisions.Classify(members, winners);

        rows.Select(r => r.Kind).ShouldBe([ImportRowKind.Addressable, ImportRowKind.WithoutEmail, ImportRowKind.Duplicate]);
        rows[0].Email.ShouldBe("Ann@Example.com");
        rows[2].DuplicateOf.ShouldBe(1);
        ImportDecisions.Normalize(" Ann@Example.COM ").ShouldBe("ann@example.com");
        ImportDecisions.Normalize("  ").ShouldBeNull();
    }

    [Fact]
    public void An_address_always_lands_in_the_same_bucket()
    {
        ImportDecisions.BucketOf("ann@example.com").ShouldBe(ImportDecisions.BucketOf("ann@example.com"));
        Enumerable.Range(0, 1000).Select(i => ImportDecisions.BucketOf($"p{i}@example.com")).Distinct().Count().ShouldBe(ImportDecisions.Buckets);
    }

    [Fact]
    public void A_CSV_row_quotes_what_needs_quoting_and_parses_back()
    {
        var row = new ImportRow(ImportRowKind.Addressable, 7, "Ann, \"Annie\"", "Berg\nLund", "ann@example.com", "+46 8 1", null, "CFO", 3, "Berg AB", "Sweden", "Customer", "Retail");
        var csv = ImportCsv.Header + ImportCsv.Row(row);

        var parsed = CsvReader.Parse(csv);
        parsed.Count.ShouldBe(2);
        parsed[0].ShouldBe(ImportCsv.Columns);
        parsed[1].ShouldBe(["7", "Ann, \"Annie\"", "Berg\nLund", "ann@example.com", "'+46 8 1", "", "CFO", "3", "Berg AB", "Sweden", "Customer", "Retail", ""]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")")]
    [InlineData("+1")]
    [InlineData("-2")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tAnn")]
    [InlineData("\rAnn")]
    public void A_CSV_field_a_spreadsheet_would_run_as_a_formula_is_written_as_text_behind_a_single_quote(string hostile)
    {
        var row = new ImportRow(ImportRowKind.Addressable, 7, hostile, hostile, "ann@example.com", null, null, hostile, 3, hostile, null, null, null);

        var parsed = CsvReader.Parse(ImportCsv.Header + ImportCsv.Row(row));

        parsed.Count.ShouldBe(2, "the quoting still keeps one record per row");
        var fields = parsed[1];
        foreach (var column in new[] { "firstName", "lastName", "title", "companyName" })
        {
            fields[ImportCsv.Columns.ToList().IndexOf(column)].ShouldBe("'" + hostile, column);
        }
    }

    [Theory]
    [InlineData("Ann=Berg")]
    [InlineData("Down -2 percent")]
    [InlineData("Ann@Berg")]
    [InlineData("Anna-Lena")]
    [InlineData("O'Brien")]
    [InlineData("")]
    public void An_ordinary_CSV_field_with_a_formula_character_inside_is_written_unchanged(string ordinary)
    {
        var row = new ImportRow(ImportRowKind.Addressable, 7, ordinary, "Berg", "ann@example.com", null, null, null, 3, null, null, null, null);

        CsvReader.Parse(ImportCsv.Header + ImportCsv.Row(row))[1][1].ShouldBe(ordinary);
    }
}

/// <summary>A strict RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF records.</summary>
public static class CsvReader
{
    /// <summary>The records of a CSV text.</summary>
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
