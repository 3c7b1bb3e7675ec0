using System.Collections;
using PocDirectory.Web.Services;

namespace PocDirectory.Web.Components.Shared;

/// <summary>
/// A form's fields as its API names them in field errors (the "errors" of RFC 9457 problem details), each with the id
/// of the input that takes it and the label a person reads. It ties each error to its field: listed in the form's
/// <see cref="ErrorSummary"/> as a link to the field, shown beside it (<see cref="InputError"/>), and marked on the input
/// (<see cref="Marks"/>: aria-invalid, aria-describedby).
/// </summary>
public sealed class FormFields : IEnumerable<FormFields.Field>
{
    /// <summary>One field: the API's name (a name ending in <c>*</c> takes every name it begins with), the input's id, the label.</summary>
    public sealed record Field(string Name, string Id, string Label);

    private readonly List<Field> _fields = [];

    public void Add(string name, string id, string label) => _fields.Add(new Field(name, id, label));

    /// <summary>The field an error's name belongs to, or null for an error of the whole form or of a field the form does not show.</summary>
    public Field? Find(string name) =>
        _fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? _fields.FirstOrDefault(f => f.Name.EndsWith('*') && name.StartsWith(f.Name[..^1], StringComparison.OrdinalIgnoreCase));

    /// <summary>The errors of <paramref name="problems"/>, each with its field, in the form's order (those of no field last).</summary>
    public IReadOnlyList<(Field? Field, string Message)> Errors(FieldProblems? problems)
    {
        if (problems is null)
        {
            return [];
        }
        return problems.Errors
            .SelectMany(error => error.Value.Select(message => (Field: Find(error.Key), Message: message)))
            .OrderBy(e => e.Field is null ? int.MaxValue : _fields.IndexOf(e.Field))
            .ToList();
    }

    /// <summary>The messages of <paramref name="problems"/> for the input <paramref name="id"/>.</summary>
    public IReadOnlyList<string> MessagesFor(FieldProblems? problems, string id) =>
        [.. Errors(problems).Where(e => e.Field?.Id == id).Select(e => e.Message)];

    /// <summary>The id of the message shown beside the input <paramref name="id"/>.</summary>
    public static string ErrorId(string id) => id + "-error";

    /// <summary>The attributes that mark the input <paramref name="id"/> invalid and tie it to its message, when it has one.</summary>
    public IReadOnlyDictionary<string, object> Marks(FieldProblems? problems, string id) =>
        MessagesFor(problems, id).Count == 0
            ? new Dictionary<string, object>()
            : new Dictionary<string, object> { ["aria-invalid"] = "true", ["aria-describedby"] = ErrorId(id) };

    public IEnumerator<Field> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
