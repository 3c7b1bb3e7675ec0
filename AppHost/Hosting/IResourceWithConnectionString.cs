namespace PocDirectory.AppHost.Hosting;

/// <summary>A resource others can be given as <c>ConnectionStrings__{Name}</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    string ConnectionString { get; }

    /// <summary>The process resource a dependant has to wait for.</summary>
    Resource Owner { get; }
}
