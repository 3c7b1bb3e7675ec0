namespace PocDirectory.Directory.Model;

/// <summary>A State's status at the United Nations.</summary>
public enum UnStatus
{
    /// <summary>A Member State of the United Nations.</summary>
    Member,

    /// <summary>A non-member observer State (the Holy See, the State of Palestine).</summary>
    Observer,
}
