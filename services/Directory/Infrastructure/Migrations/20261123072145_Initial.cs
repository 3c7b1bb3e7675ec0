using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace PocDirectory.Directory.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbox_messages",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consumer = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox_messages", x => new { x.message_id, x.consumer });
                });

            migrationBuilder.CreateTable(
                name: "member_states",
                columns: table => new
                {
                    Iso2 = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    Iso3 = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RegionalGroup = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    UnStatus = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_member_states", x => x.Iso2);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_type = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "member_states",
                columns: new[] { "Iso2", "Iso3", "Name", "RegionalGroup", "Revision", "UnStatus" },
                values: new object[,]
                {
                    { "AD", "AND", "Andorra", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "AE", "ARE", "United Arab Emirates", "AsiaPacific", 1L, "Member" },
                    { "AF", "AFG", "Afghanistan", "AsiaPacific", 1L, "Member" },
                    { "AG", "ATG", "Antigua and Barbuda", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "AL", "ALB", "Albania", "EasternEuropean", 1L, "Member" },
                    { "AM", "ARM", "Armenia", "EasternEuropean", 1L, "Member" },
                    { "AO", "AGO", "Angola", "African", 1L, "Member" },
                    { "AR", "ARG", "Argentina", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "AT", "AUT", "Austria", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "AU", "AUS", "Australia", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "AZ", "AZE", "Azerbaijan", "EasternEuropean", 1L, "Member" },
                    { "BA", "BIH", "Bosnia and Herzegovina", "EasternEuropean", 1L, "Member" },
                    { "BB", "BRB", "Barbados", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "BD", "BGD", "Bangladesh", "AsiaPacific", 1L, "Member" },
                    { "BE", "BEL", "Belgium", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "BF", "BFA", "Burkina Faso", "African", 1L, "Member" },
                    { "BG", "BGR", "Bulgaria", "EasternEuropean", 1L, "Member" },
                    { "BH", "BHR", "Bahrain", "AsiaPacific", 1L, "Member" },
                    { "BI", "BDI", "Burundi", "African", 1L, "Member" },
                    { "BJ", "BEN", "Benin", "African", 1L, "Member" },
                    { "BN", "BRN", "Brunei Darussalam", "AsiaPacific", 1L, "Member" },
                    { "BO", "BOL", "Bolivia (Plurinational State of)", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "BR", "BRA", "Brazil", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "BS", "BHS", "Bahamas", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "BT", "BTN", "Bhutan", "AsiaPacific", 1L, "Member" },
                    { "BW", "BWA", "Botswana", "African", 1L, "Member" },
                    { "BY", "BLR", "Belarus", "EasternEuropean", 1L, "Member" },
                    { "BZ", "BLZ", "Belize", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "CA", "CAN", "Canada", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "CD", "COD", "Democratic Republic of the Congo", "African", 1L, "Member" },
                    { "CF", "CAF", "Central African Republic", "African", 1L, "Member" },
                    { "CG", "COG", "Congo", "African", 1L, "Member" },
                    { "CH", "CHE", "Switzerland", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "CI", "CIV", "Côte d'Ivoire", "African", 1L, "Member" },
                    { "CL", "CHL", "Chile", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "CM", "CMR", "Cameroon", "African", 1L, "Member" },
                    { "CN", "CHN", "China", "AsiaPacific", 1L, "Member" },
                    { "CO", "COL", "Colombia", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "CR", "CRI", "Costa Rica", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "CU", "CUB", "Cuba", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "CV", "CPV", "Cabo Verde", "African", 1L, "Member" },
                    { "CY", "CYP", "Cyprus", "AsiaPacific", 1L, "Member" },
                    { "CZ", "CZE", "Czechia", "EasternEuropean", 1L, "Member" },
                    { "DE", "DEU", "Germany", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "DJ", "DJI", "Djibouti", "African", 1L, "Member" },
                    { "DK", "DNK", "Denmark", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "DM", "DMA", "Dominica", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "DO", "DOM", "Dominican Republic", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "DZ", "DZA", "Algeria", "African", 1L, "Member" },
                    { "EC", "ECU", "Ecuador", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "EE", "EST", "Estonia", "EasternEuropean", 1L, "Member" },
                    { "EG", "EGY", "Egypt", "African", 1L, "Member" },
                    { "ER", "ERI", "Eritrea", "African", 1L, "Member" },
                    { "ES", "ESP", "Spain", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "ET", "ETH", "Ethiopia", "African", 1L, "Member" },
                    { "FI", "FIN", "Finland", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "FJ", "FJI", "Fiji", "AsiaPacific", 1L, "Member" },
                    { "FM", "FSM", "Micronesia (Federated States of)", "AsiaPacific", 1L, "Member" },
                    { "FR", "FRA", "France", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "GA", "GAB", "Gabon", "African", 1L, "Member" },
                    { "GB", "GBR", "United Kingdom of Great Britain and Northern Ireland", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "GD", "GRD", "Grenada", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "GE", "GEO", "Georgia", "EasternEuropean", 1L, "Member" },
                    { "GH", "GHA", "Ghana", "African", 1L, "Member" },
                    { "GM", "GMB", "Gambia", "African", 1L, "Member" },
                    { "GN", "GIN", "Guinea", "African", 1L, "Member" },
                    { "GQ", "GNQ", "Equatorial Guinea", "African", 1L, "Member" },
                    { "GR", "GRC", "Greece", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "GT", "GTM", "Guatemala", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "GW", "GNB", "Guinea-Bissau", "African", 1L, "Member" },
                    { "GY", "GUY", "Guyana", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "HN", "HND", "Honduras", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "HR", "HRV", "Croatia", "EasternEuropean", 1L, "Member" },
                    { "HT", "HTI", "Haiti", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "HU", "HUN", "Hungary", "EasternEuropean", 1L, "Member" },
                    { "ID", "IDN", "Indonesia", "AsiaPacific", 1L, "Member" },
                    { "IE", "IRL", "Ireland", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "IL", "ISR", "Israel", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "IN", "IND", "India", "AsiaPacific", 1L, "Member" },
                    { "IQ", "IRQ", "Iraq", "AsiaPacific", 1L, "Member" },
                    { "IR", "IRN", "Iran (Islamic Republic of)", "AsiaPacific", 1L, "Member" },
                    { "IS", "ISL", "Iceland", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "IT", "ITA", "Italy", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "JM", "JAM", "Jamaica", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "JO", "JOR", "Jordan", "AsiaPacific", 1L, "Member" },
                    { "JP", "JPN", "Japan", "AsiaPacific", 1L, "Member" },
                    { "KE", "KEN", "Kenya", "African", 1L, "Member" },
                    { "KG", "KGZ", "Kyrgyzstan", "AsiaPacific", 1L, "Member" },
                    { "KH", "KHM", "Cambodia", "AsiaPacific", 1L, "Member" },
                    { "KI", "KIR", "Kiribati", "AsiaPacific", 1L, "Member" },
                    { "KM", "COM", "Comoros", "African", 1L, "Member" },
                    { "KN", "KNA", "Saint Kitts and Nevis", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "KP", "PRK", "Democratic People's Republic of Korea", "AsiaPacific", 1L, "Member" },
                    { "KR", "KOR", "Republic of Korea", "AsiaPacific", 1L, "Member" },
                    { "KW", "KWT", "Kuwait", "AsiaPacific", 1L, "Member" },
                    { "KZ", "KAZ", "Kazakhstan", "AsiaPacific", 1L, "Member" },
                    { "LA", "LAO", "Lao People's Democratic Republic", "AsiaPacific", 1L, "Member" },
                    { "LB", "LBN", "Lebanon", "AsiaPacific", 1L, "Member" },
                    { "LC", "LCA", "Saint Lucia", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "LI", "LIE", "Liechtenstein", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "LK", "LKA", "Sri Lanka", "AsiaPacific", 1L, "Member" },
                    { "LR", "LBR", "Liberia", "African", 1L, "Member" },
                    { "LS", "LSO", "Lesotho", "African", 1L, "Member" },
                    { "LT", "LTU", "Lithuania", "EasternEuropean", 1L, "Member" },
                    { "LU", "LUX", "Luxembourg", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "LV", "LVA", "Latvia", "EasternEuropean", 1L, "Member" },
                    { "LY", "LBY", "Libya", "African", 1L, "Member" },
                    { "MA", "MAR", "Morocco", "African", 1L, "Member" },
                    { "MC", "MCO", "Monaco", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "MD", "MDA", "Republic of Moldova", "EasternEuropean", 1L, "Member" },
                    { "ME", "MNE", "Montenegro", "EasternEuropean", 1L, "Member" },
                    { "MG", "MDG", "Madagascar", "African", 1L, "Member" },
                    { "MH", "MHL", "Marshall Islands", "AsiaPacific", 1L, "Member" },
                    { "MK", "MKD", "North Macedonia", "EasternEuropean", 1L, "Member" },
                    { "ML", "MLI", "Mali", "African", 1L, "Member" },
                    { "MM", "MMR", "Myanmar", "AsiaPacific", 1L, "Member" },
                    { "MN", "MNG", "Mongolia", "AsiaPacific", 1L, "Member" },
                    { "MR", "MRT", "Mauritania", "African", 1L, "Member" },
                    { "MT", "MLT", "Malta", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "MU", "MUS", "Mauritius", "African", 1L, "Member" },
                    { "MV", "MDV", "Maldives", "AsiaPacific", 1L, "Member" },
                    { "MW", "MWI", "Malawi", "African", 1L, "Member" },
                    { "MX", "MEX", "Mexico", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "MY", "MYS", "Malaysia", "AsiaPacific", 1L, "Member" },
                    { "MZ", "MOZ", "Mozambique", "African", 1L, "Member" },
                    { "NA", "NAM", "Namibia", "African", 1L, "Member" },
                    { "NE", "NER", "Niger", "African", 1L, "Member" },
                    { "NG", "NGA", "Nigeria", "African", 1L, "Member" },
                    { "NI", "NIC", "Nicaragua", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "NL", "NLD", "Netherlands (Kingdom of the)", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "NO", "NOR", "Norway", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "NP", "NPL", "Nepal", "AsiaPacific", 1L, "Member" },
                    { "NR", "NRU", "Nauru", "AsiaPacific", 1L, "Member" },
                    { "NZ", "NZL", "New Zealand", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "OM", "OMN", "Oman", "AsiaPacific", 1L, "Member" },
                    { "PA", "PAN", "Panama", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "PE", "PER", "Peru", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "PG", "PNG", "Papua New Guinea", "AsiaPacific", 1L, "Member" },
                    { "PH", "PHL", "Philippines", "AsiaPacific", 1L, "Member" },
                    { "PK", "PAK", "Pakistan", "AsiaPacific", 1L, "Member" },
                    { "PL", "POL", "Poland", "EasternEuropean", 1L, "Member" },
                    { "PS", "PSE", "State of Palestine", "AsiaPacific", 1L, "Observer" },
                    { "PT", "PRT", "Portugal", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "PW", "PLW", "Palau", "AsiaPacific", 1L, "Member" },
                    { "PY", "PRY", "Paraguay", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "QA", "QAT", "Qatar", "AsiaPacific", 1L, "Member" },
                    { "RO", "ROU", "Romania", "EasternEuropean", 1L, "Member" },
                    { "RS", "SRB", "Serbia", "EasternEuropean", 1L, "Member" },
                    { "RU", "RUS", "Russian Federation", "EasternEuropean", 1L, "Member" },
                    { "RW", "RWA", "Rwanda", "African", 1L, "Member" },
                    { "SA", "SAU", "Saudi Arabia", "AsiaPacific", 1L, "Member" },
                    { "SB", "SLB", "Solomon Islands", "AsiaPacific", 1L, "Member" },
                    { "SC", "SYC", "Seychelles", "African", 1L, "Member" },
                    { "SD", "SDN", "Sudan", "African", 1L, "Member" },
                    { "SE", "SWE", "Sweden", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "SG", "SGP", "Singapore", "AsiaPacific", 1L, "Member" },
                    { "SI", "SVN", "Slovenia", "EasternEuropean", 1L, "Member" },
                    { "SK", "SVK", "Slovakia", "EasternEuropean", 1L, "Member" },
                    { "SL", "SLE", "Sierra Leone", "African", 1L, "Member" },
                    { "SM", "SMR", "San Marino", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "SN", "SEN", "Senegal", "African", 1L, "Member" },
                    { "SO", "SOM", "Somalia", "African", 1L, "Member" },
                    { "SR", "SUR", "Suriname", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "SS", "SSD", "South Sudan", "African", 1L, "Member" },
                    { "ST", "STP", "Sao Tome and Principe", "African", 1L, "Member" },
                    { "SV", "SLV", "El Salvador", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "SY", "SYR", "Syrian Arab Republic", "AsiaPacific", 1L, "Member" },
                    { "SZ", "SWZ", "Eswatini", "African", 1L, "Member" },
                    { "TD", "TCD", "Chad", "African", 1L, "Member" },
                    { "TG", "TGO", "Togo", "African", 1L, "Member" },
                    { "TH", "THA", "Thailand", "AsiaPacific", 1L, "Member" },
                    { "TJ", "TJK", "Tajikistan", "AsiaPacific", 1L, "Member" },
                    { "TL", "TLS", "Timor-Leste", "AsiaPacific", 1L, "Member" },
                    { "TM", "TKM", "Turkmenistan", "AsiaPacific", 1L, "Member" },
                    { "TN", "TUN", "Tunisia", "African", 1L, "Member" },
                    { "TO", "TON", "Tonga", "AsiaPacific", 1L, "Member" },
                    { "TR", "TUR", "Türkiye", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "TT", "TTO", "Trinidad and Tobago", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "TV", "TUV", "Tuvalu", "AsiaPacific", 1L, "Member" },
                    { "TZ", "TZA", "United Republic of Tanzania", "African", 1L, "Member" },
                    { "UA", "UKR", "Ukraine", "EasternEuropean", 1L, "Member" },
                    { "UG", "UGA", "Uganda", "African", 1L, "Member" },
                    { "US", "USA", "United States of America", "WesternEuropeanAndOthers", 1L, "Member" },
                    { "UY", "URY", "Uruguay", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "UZ", "UZB", "Uzbekistan", "AsiaPacific", 1L, "Member" },
                    { "VA", "VAT", "Holy See", "None", 1L, "Observer" },
                    { "VC", "VCT", "Saint Vincent and the Grenadines", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "VE", "VEN", "Venezuela (Bolivarian Republic of)", "LatinAmericanAndCaribbean", 1L, "Member" },
                    { "VN", "VNM", "Viet Nam", "AsiaPacific", 1L, "Member" },
                    { "VU", "VUT", "Vanuatu", "AsiaPacific", 1L, "Member" },
                    { "WS", "WSM", "Samoa", "AsiaPacific", 1L, "Member" },
                    { "YE", "YEM", "Yemen", "AsiaPacific", 1L, "Member" },
                    { "ZA", "ZAF", "South Africa", "African", 1L, "Member" },
                    { "ZM", "ZMB", "Zambia", "African", 1L, "Member" },
                    { "ZW", "ZWE", "Zimbabwe", "African", 1L, "Member" }
                });

            migrationBuilder.CreateIndex(
                name: "IX_inbox_messages_processed_at",
                table: "inbox_messages",
                column: "processed_at");

            migrationBuilder.CreateIndex(
                name: "IX_member_states_Iso3",
                table: "member_states",
                column: "Iso3",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_member_states_Name",
                table: "member_states",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_message_id",
                table: "outbox_messages",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_pending",
                table: "outbox_messages",
                column: "id",
                filter: "sent_at IS NULL AND failed_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "member_states");

            migrationBuilder.DropTable(
                name: "outbox_messages");
        }
    }
}
