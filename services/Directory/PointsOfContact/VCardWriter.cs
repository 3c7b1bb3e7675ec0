using System.Globalization;
using System.Text;
using PocDirectory.Contracts.PointsOfContact;

namespace PocDirectory.Directory.PointsOfContact;

/// <summary>
/// Writes points of contact as vCard 4.0 (RFC 6350): one card per person, CRLF line ends, text values
/// escaped (§3.4), lines folded at 75 octets without splitting a UTF-8 character (§3.2), the OpenPGP
/// key as a KEY data URI. Written here because the package registry offers no vCard 4.0 library.
/// </summary>
public static class VCardWriter
{
    public static void Write(StringBuilder output, ListedEntry entry)
    {
        var d = entry.Details;
        Line(output, "BEGIN:VCARD");
        Line(output, "VERSION:4.0");
        Line(output, "KIND:individual");
        Line(output, $"UID:urn:uuid:{entry.PocId}");
        Line(output, "FN:" + Escape(d.FullName));
        Line(output, "TITLE:" + Escape(d.Title));
        Line(output, "ORG:" + Escape(d.Organization));
        Line(output, "EMAIL;TYPE=work:" + Escape(d.Email));
        foreach (var phone in d.Phones)
        {
            var type = phone.Kind == "mobile" ? "cell,voice" : "work,voice";
            Line(output, $"TEL;VALUE=uri;TYPE=\"{type}\":tel:{phone.Number}");
        }
        for (var i = 0; i < d.Languages.Count; i++)
        {
            Line(output, $"LANG;PREF={i + 1}:{d.Languages[i]}");
        }
        Line(output, "TZ;VALUE=text:" + Escape(d.TimeZone));
        Line(output, "CATEGORIES:" + Escape(d.Type) + (d.IsAlternate ? ",alternate" : ""));
        Line(output, "NOTE:" + Escape(Note(entry)));
        if (d.PgpKey is { } key)
        {
            var data = Convert.ToBase64String(Encoding.ASCII.GetBytes(key.Armored));
            Line(output, $"KEY;MEDIATYPE=application/pgp-keys:data:application/pgp-keys;base64,{data}");
        }
        Line(output, "REV:" + entry.UpdatedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        Line(output, "END:VCARD");
    }

    public static string Note(ListedEntry entry)
    {
        var d = entry.Details;
        var availability = d.Availability.Always
            ? "reachable 24/7"
            : $"office hours {string.Join(",", d.Availability.Days)} {d.Availability.From}-{d.Availability.To} ({d.TimeZone})";
        return $"{(d.IsAlternate ? "Alternate " : "")}{d.Type} point of contact of {entry.StateName}; {availability}";
    }

    /// <summary>RFC 6350 §3.4: backslash, comma, semicolon and line breaks in a text value.</summary>
    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value.ReplaceLineEndings("\n"))
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                ',' => "\\,",
                ';' => "\\;",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary>Appends one content line, folded so that no physical line exceeds 75 octets.</summary>
    public static void Line(StringBuilder output, string line)
    {
        var octets = 0;
        var limit = 75;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > limit)
            {
                output.Append("\r\n ");
                octets = 1; // the leading space counts
            }
            output.Append(rune.ToString());
            octets += size;
        }
        output.Append("\r\n");
    }
}
