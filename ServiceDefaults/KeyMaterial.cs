namespace PocDirectory;

/// <summary>A symmetric key from a setting, in one place: base64url of at least 32 bytes, or a start refused with the setting's name.</summary>
public static class KeyMaterial
{
    public static byte[] Decode(string? value, string settingName, string localFile)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{settingName} is not set (./run.sh keeps one in {localFile}).");
        }
        byte[] bytes;
        try
        {
            bytes = System.Buffers.Text.Base64Url.DecodeFromChars(value.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{settingName} is not base64url.");
        }
        return bytes.Length >= 32 ? bytes[..32] : throw new InvalidOperationException($"{settingName} is shorter than 32 bytes.");
    }
}
