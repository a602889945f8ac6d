import { registry } from "@web/core/registry";

const column = (title) => `.o_kanban_group:has(.o_column_title:contains("${title}"))`;

registry.category("web_tour.tours").add("sales_followup_referral_won", {
    steps: () => [
        {
            content: "The pipeline shows every state as a column",
            trigger: '.o_kanban_group .o_column_title:contains("Qualified")',
        },
        {
            content: "Record a referral",
            trigger: ".o_control_panel_main_buttons button.o-kanban-button-new",
            run: "click",
        },
        {
            content: "Who recommended us",
            trigger: '.o_form_view .o_field_widget[name="referrer_id"] input',
            run: "edit Tour Referrer",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Tour Referrer Co")',
            run: "click",
        },
        {
            content: "To whom",
            trigger: '.o_form_view .o_field_widget[name="referred_id"] input',
            run: "edit Tour Referred",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Tour Referred Co")',
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The referral is new and numbered",
            trigger: '.o_form_view .o_form_saved .o_field_widget[name="name"]:contains("REF/")',
        },
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Sales",
            trigger: '.o_app[data-menu-xmlid="sale.sale_menu_root"]',
            run: "click",
        },
        {
            content: "Open the referred customer's quotation",
            trigger: '.o_data_row:contains("SO-REF-TOUR") td.o_data_cell',
            run: "click",
        },
        {
            content: "Confirm it",
            trigger: '.o_form_view .o_statusbar_buttons button[name="action_confirm"]:enabled',
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Sales Order")',
        },
        {
            content: "Back to the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the After-Sales app",
            trigger: '.o_app[data-menu-xmlid="sales_followup.menu_followup_root"]',
            run: "click",
        },
        {
            content: "Open the referrals menu",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_followup.menu_customer_referrals"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="sales_followup.menu_customer_referral"]',
            run: "click",
        },
        {
            content: "The referral is won",
            trigger: `${column("Won")} .o_kanban_record:contains("Tour Referred Co"):contains("Tour Referrer Co")`,
        },
    ],
});
