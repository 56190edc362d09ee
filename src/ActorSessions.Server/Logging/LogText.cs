using System.Globalization;
using System.Text;

namespace ActorSessions.Server.Logging;

/// <summary>
/// Makes text from a request safe to put in a log line: a request path is percent-decoded, so
/// <c>/%0D%0A...</c> would otherwise write a line break and a forged line, <c>%1B</c> a terminal escape.
/// </summary>
internal static class LogText
{
    /// <summary>The most characters of a value that are logged; the rest is cut.</summary>
    public const int MaxLength = 256;

    /// <summary>
    /// <paramref name="value"/> with every control character (C0, DEL, C1), line or paragraph separator,
    /// invisible format character (bidi overrides, zero-width) and lone surrogate written as <c>\uXXXX</c>,
    /// and a backslash as <c>\\</c>, so an escape in the log is never ambiguous; cut to <see cref="MaxLength"/>.
    /// </summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var cut = value.Length > MaxLength;
        var text = cut ? value[..MaxLength] : value;
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (c == '\\')
            {
                sb.Append(@"\\");
            }
            else if (IsUnsafe(c))
            {
                sb.Append(@"\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return cut ? sb.Append("...").ToString() : sb.ToString();
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c)
            is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format;
}
