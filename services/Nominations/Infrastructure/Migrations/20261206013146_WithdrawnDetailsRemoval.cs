using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PocDirectory.Nominations.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class WithdrawnDetailsRemoval : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DetailsRemovedAt",
                table: "listed_pocs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_listed_pocs_WithdrawnAt",
                table: "listed_pocs",
                column: "WithdrawnAt",
                filter: "\"DetailsRemovedAt\" IS NULL AND \"WithdrawnAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_listed_pocs_WithdrawnAt",
                table: "listed_pocs");

            migrationBuilder.DropColumn(
                name: "DetailsRemovedAt",
                table: "listed_pocs");
        }
    }
}
