namespace Microsoft.Extensions.Hosting;

/// <summary>Where a page may send a person after sign-in: a path of this site only.</summary>
public static class LocalPaths
{
    /// <summary>
    /// True for "/…" paths only: not "//host" or "/\host" (other sites to a browser), and no control
    /// character or space anywhere (a browser drops tabs and newlines, and "/\t/host" becomes "//host").
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url[0] == '/'
        && (url.Length == 1 || url[1] is not ('/' or '\\'))
        && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));
}
