import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_followup_card_import", {
    steps: () => [
        {
            content: "Open the customers menu",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_followup.menu_followup_customers"]',
            run: "click",
        },
        {
            content: "Open the import of customer cards",
            trigger: '.dropdown-item[data-menu-xmlid="sales_followup.menu_customer_card_import"]',
            run: "click",
        },
        {
            content: "The dialog offers the template",
            trigger: '.modal button[name="action_download_template"]',
        },
        {
            content: "Choose the salesperson's workbook",
            trigger: '.modal .o_field_widget[name="file"] input.o_input_file:not(:visible)',
            async run() {
                const response = await fetch("/web/content/sales_followup.card_import_tour_file");
                if (!response.ok) {
                    throw new Error(`The workbook could not be fetched: ${response.status}`);
                }
                const file = new File([await response.blob()], "cards.xlsx");
                const transfer = new DataTransfer();
                transfer.items.add(file);
                const input = document.querySelector('.modal .o_field_widget[name="file"] input.o_input_file');
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is loaded",
            trigger: '.modal .o_field_widget[name="file"] .o_clear_file_button',
        },
        {
            content: "Preview it",
            trigger: '.modal button[name="action_preview"].btn-primary',
            run: "click",
        },
        {
            content: "The preview says the file is valid",
            trigger: '.modal .alert-success:contains("The file is valid")',
        },
        {
            content: "... and counts one new customer and one to update",
            trigger: '.modal .o_field_widget[name="create_count"]:contains("1")',
        },
        {
            trigger: '.modal .o_field_widget[name="update_count"]:contains("1")',
        },
        {
            content: "Import it",
            trigger: '.modal button[name="action_import"].btn-primary',
            run: "click",
        },
        {
            content: "The imported customers are shown",
            trigger: '.o_kanban_record:contains("Tour Imported Ltd")',
        },
        {
            trigger: '.o_kanban_record:contains("Tour Existing Ltd")',
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Select a customer",
            trigger: '.o_data_row:contains("Tour Imported Ltd") .o_list_record_selector input',
            run: "click",
        },
        {
            content: "Open the action menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "The export of customer cards is offered",
            trigger: '.o-dropdown--menu .dropdown-item:contains("Export customer cards")',
        },
        {
            trigger: '.o-dropdown--menu .dropdown-item:contains("Import customer cards")',
        },
    ],
});
