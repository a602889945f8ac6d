import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_followup_board", {
    steps: () => [
        {
            content: "The board shows every state as a column",
            trigger: '.o_kanban_group .o_column_title:contains("Waiting Customer")',
        },
        {
            content: "Open the card of the customer",
            trigger: '.o_kanban_record:contains("Board Tour Customer")',
            run: "click",
        },
        {
            content: "Mark the card done",
            trigger: '.o_form_view button[name="action_open_done_wizard"]',
            run: "click",
        },
        {
            content: "Write the outcome",
            trigger: '.modal div[name="outcome"] textarea',
            run: "edit Customer is happy and will order again",
        },
        {
            content: "Confirm",
            trigger: '.modal button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The card is done",
            trigger: '.o_form_view .o_statusbar_status button.o_arrow_button_current:contains("Done")',
        },
    ],
});
