import { registry } from "@web/core/registry";

// A salesperson confirms a quotation above the
// credit limit in block mode and is told why, with the numbers.
registry.category("web_tour.tours").add("sales_followup_credit_blocked", {
    steps: () => [
        {
            content: "The quotation shows the credit banner with the exposure",
            trigger: '.o_sales_followup_credit_banner:contains("Exposure"):contains("1,500.00")',
        },
        {
            content: "... the credit limit",
            trigger: '.o_sales_followup_credit_banner .o_credit_limit:contains("1,000.00")',
        },
        {
            content: "... and says the order exceeds it",
            trigger: '.o_sales_followup_credit_banner:contains("exceeds the customer\'s credit limit")',
        },
        {
            content: "Confirm the quotation",
            trigger: "button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The refusal names the exposure, the limit and the order total",
            trigger: '.modal:contains("Credit limit exceeded"):contains("1,500.00"):contains("1,000.00"):contains("1,200.00")',
        },
        {
            content: "Close the dialog",
            trigger: ".modal .btn-primary",
            run: "click",
        },
        {
            content: "The order is still a quotation",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Quotation")',
        },
    ],
});
