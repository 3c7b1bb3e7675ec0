using System.Text.RegularExpressions;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>A password of a server's user: the secret parameter (masked on the dashboard), and its value in a run.</summary>
public sealed record ServerPassword(ParameterResource Parameter, string? Value)
{
    /// <summary>The value, for the recipe's own probes and for tools on this machine; there is none when publishing.</summary>
    public string LocalValue => Value ?? throw new InvalidOperationException($"{Parameter.Name} has no value outside a run.");
}

/// <summary>A server whose clients each sign in as a user of their own (<see cref="ServerLoginResource"/>).</summary>
public interface IServerWithLogins : IResourceWithConnectionString
{
    /// <summary>The user the recipe's probes and an operator sign in as, with every right.</summary>
    string AdminUser { get; }

    ServerPassword AdminPassword { get; }

    /// <summary>The clients' users, written into the server's configuration before every start.</summary>
    IList<ServerLoginResource> Logins { get; }

    /// <summary>A client's connection string, in the form the services read.</summary>
    ReferenceExpression ConnectionStringFor(string user, ParameterResource password);
}

/// <summary>
/// One client's user on a server (RabbitMQ, Redis): its own name and password, and a connection string of its
/// own, so a client reads nothing with another's credentials and the server can tell who did what. In a
/// deployment it is a secret connection string of the manifest, under the same name.
/// </summary>
public sealed partial class ServerLoginResource(string name, IServerWithLogins parent, string user, ServerPassword password)
    : Resource(name), IResourceWithParent<IServerWithLogins>, IResourceWithConnectionString
{
    public IServerWithLogins Parent { get; } = parent;

    public string User { get; } = ValidUser(user);

    public ServerPassword Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => Parent.ConnectionStringFor(User, Password.Parameter);

    /// <summary>Names go into configuration files and URIs unquoted: lower-case letters, digits and dashes only.</summary>
    public static string ValidUser(string user) => UserName().IsMatch(user)
        ? user
        : throw new ArgumentException($"'{user}' is not a user name for a server (a-z, 0-9, '-').", nameof(user));

    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}$")]
    private static partial Regex UserName();
}
