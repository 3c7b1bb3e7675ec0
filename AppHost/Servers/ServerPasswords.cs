using Aspire.Hosting.ApplicationModel;
using PocDirectory.AppHost;

namespace Aspire.Hosting;

/// <summary>
/// The system's secrets: the services' keys and the passwords of the servers' users. In a run each is kept as a file
/// in the folder named by <see cref="SecretsDirectorySetting"/> (the AppHost's <c>.pocdir/secrets/</c>), made once at
/// random; without it (test servers) it is made at random for the process. Each is a secret parameter, so the
/// dashboard masks it; the passwords do not go into the deployment manifest, where the connection strings themselves
/// are the operator's secrets.
/// </summary>
public static class ServerPasswords
{
    public const string SecretsDirectorySetting = "Secrets:Directory";

    /// <summary>The secret parameter <paramref name="name"/> (also its file's name), a parameter of the deployment manifest too.</summary>
    public static IResourceBuilder<ParameterResource> AddStateSecret(this IDistributedApplicationBuilder builder, string name) =>
        AddSecret(builder, name, out _);

    /// <summary>The password <paramref name="name"/> (also its file's name), left out of the deployment manifest.</summary>
    public static ServerPassword Add(IDistributedApplicationBuilder builder, string name)
    {
        var parameter = AddSecret(builder, name, out var value).ExcludeFromManifest();
        return new ServerPassword(parameter.Resource, value);
    }

    private static IResourceBuilder<ParameterResource> AddSecret(IDistributedApplicationBuilder builder, string name, out string? value)
    {
        value = null;
        if (builder.ExecutionContext.IsRunMode)
        {
            value = builder.Configuration[SecretsDirectorySetting] is { Length: > 0 } directory
                ? SecretFiles.GetOrCreate(directory, name)
                : SecretFiles.NewSecret();
            builder.Configuration[$"Parameters:{name}"] = value;
        }
        return builder.AddParameter(name, secret: true);
    }

    /// <summary>
    /// A user of <paramref name="server"/> for one client, named <c>{server}-{user}</c>, with its password
    /// <c>{server}-{user}-password</c>. Reference it under the server's name:
    /// <c>.WithReference(messaging.AddLogin("directory"), "messaging")</c>.
    /// </summary>
    public static IResourceBuilder<ServerLoginResource> AddLogin<T>(this IResourceBuilder<T> server, string user)
        where T : ServerResource, IServerWithLogins
    {
        var name = $"{server.Resource.Name}-{ServerLoginResource.ValidUser(user)}";
        var login = new ServerLoginResource(name, server.Resource, user, Add(server.ApplicationBuilder, $"{name}-password"));
        server.Resource.Logins.Add(login);
        return server.ApplicationBuilder.AddResource(login)
            .WithManifestPublishingCallback(context => ServerBuilderExtensions.WriteSecretConnectionString(context, name));
    }
}
