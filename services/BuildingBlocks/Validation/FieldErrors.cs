namespace PocDirectory.BuildingBlocks.Validation;

/// <summary>Input refused, field by field: an API answers it as a validation problem, a page beside each field, a command on stderr.</summary>
public sealed class FieldErrorsException(IDictionary<string, string[]> errors)
    : Exception(string.Join(Environment.NewLine, errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))))
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Collects field errors, then throws them together.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    /// <summary>The errors as a validation problem carries them.</summary>
    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new FieldErrorsException(ToDictionary());
        }
    }
}
