// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {AssetCompliance} from "../common/AssetCompliance.sol";

/// @title TokenSale — a Digital Asset Initial Offering (DAIO) of a Keel asset.
/// @notice States follow chain time once the owner activates the sale:
/// SETUP → PRESALE (optional; optionally whitelist only, optional discount) → PUBLIC_SALE → ENDED →
/// FINALIZED. Activation requires the sale to hold the full hard cap already. Buyers
/// pay in any configured ERC-20 currency at its price; the asset's compliance for the
/// bought tokens is checked before any payment is taken. Without soft cap and lock-up,
/// tokens are delivered at purchase; otherwise they are withdrawn after the end
/// (vesting linearly from the end, after a cliff, when a lock-up is set). If a soft cap
/// is missed, investors pull their refunds currency by currency, so a currency that
/// cannot move (e.g. a blacklist) never blocks refunds in another.
contract TokenSale is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    enum State {
        Setup,
        Presale,
        PublicSale,
        Ended,
        Finalized
    }

    struct Config {
        address token;
        uint256 hardCap;
        /// @dev 0: no soft cap.
        uint256 softCap;
        /// @dev presaleStart == publicStart: no presale.
        uint256 presaleStart;
        uint256 publicStart;
        uint256 end;
        uint256 minPerInvestor;
        uint256 maxPerInvestor;
        uint16 presaleDiscountBps;
        /// @dev true: only whitelisted investors may buy in the presale.
        bool presaleWhitelistOnly;
        /// @dev Lock-up of purchased tokens from `end`: nothing before the cliff, then
        /// linear to the duration. Duration 0: no lock-up.
        uint256 lockCliff;
        uint256 lockDuration;
    }

    error InvalidConfig();
    error WrongState(State current);
    error NotActivatable(uint256 held, uint256 hardCap);
    error SalePaused();
    error NotPaused();
    error NotWhitelisted(address buyer);
    error CurrencyNotAccepted(address currency);
    error BelowMinimum(uint256 total, uint256 minimum);
    error AboveMaximum(uint256 total, uint256 maximum);
    error HardCapExceeded(uint256 requested, uint256 remaining);
    error ZeroAmount();
    error SoftCapMissed();
    error SoftCapReached();
    error NothingToWithdraw();
    error NothingToRefund(address investor, address currency);

    event CurrencySet(address indexed currency, uint256 price);
    event WhitelistSet(address indexed investor, bool whitelisted);
    event SaleActivated(uint256 hardCap);
    event SalePausedSet(bool paused);
    event Purchased(
        address indexed buyer, address indexed currency, uint256 tokenAmount, uint256 cost, bool presale, bool delivered
    );
    event TokensWithdrawn(address indexed investor, uint256 amount);
    event Refunded(address indexed investor, address indexed currency, uint256 amount);
    event SaleFinalized(uint256 sold, bool softCapReached);
    event ProceedsWithdrawn(address indexed currency, address indexed to, uint256 amount);
    event UnsoldWithdrawn(address indexed to, uint256 amount);

    uint256 public constant BPS = 10_000;

    IERC20 public immutable token;
    uint256 private immutable _unit;
    Config private _config;

    bool public activated;
    bool public finalized;
    bool public paused;
    uint256 public sold;
    uint256 public totalDelivered;

    /// @notice Currency units per whole token (10**decimals base units); 0 = not accepted.
    mapping(address currency => uint256) public priceOf;
    address[] private _currencies;
    mapping(address investor => bool) public whitelisted;
    mapping(address investor => uint256) public purchased;
    mapping(address investor => uint256) public delivered;
    mapping(address investor => mapping(address currency => uint256)) public paidIn;
    mapping(address currency => uint256) public raised;
    mapping(address currency => uint256) public refunded;
    mapping(address currency => uint256) public proceedsWithdrawn;

    constructor(Config memory c, address owner_) Ownable(owner_) {
        if (
            c.token == address(0) || c.hardCap == 0 || c.softCap > c.hardCap || c.presaleStart > c.publicStart
                || c.publicStart >= c.end || c.presaleStart < block.timestamp || c.minPerInvestor > c.maxPerInvestor
                || c.maxPerInvestor == 0 || c.presaleDiscountBps >= BPS || c.lockCliff > c.lockDuration
        ) revert InvalidConfig();
        token = IERC20(c.token);
        _unit = 10 ** IERC20Metadata(c.token).decimals();
        _config = c;
    }

    // ---------------------------------------------------------------- state

    function config() external view returns (Config memory) {
        return _config;
    }

    function currencies() external view returns (address[] memory) {
        return _currencies;
    }

    function state() public view returns (State) {
        if (finalized) return State.Finalized;
        if (!activated) return State.Setup;
        if (block.timestamp >= _config.end || sold == _config.hardCap) return State.Ended;
        if (block.timestamp >= _config.publicStart) return State.PublicSale;
        if (block.timestamp >= _config.presaleStart && _config.presaleStart < _config.publicStart) {
            return State.Presale;
        }
        return State.Setup;
    }

    function softCapReached() public view returns (bool) {
        return sold >= _config.softCap;
    }

    /// @dev Tokens go out at purchase unless a soft cap or a lock-up holds them back.
    function deliversAtPurchase() public view returns (bool) {
        return _config.softCap == 0 && _config.lockDuration == 0;
    }

    // ---------------------------------------------------------------- setup (owner)

    function setCurrency(address currency, uint256 price) external onlyOwner {
        if (activated) revert WrongState(state());
        if (currency == address(0) || currency == address(token)) revert InvalidConfig();
        if (priceOf[currency] == 0 && price != 0) _currencies.push(currency);
        priceOf[currency] = price;
        emit CurrencySet(currency, price);
    }

    function setWhitelisted(address[] calldata investors, bool value) external onlyOwner {
        for (uint256 i = 0; i < investors.length; ++i) {
            whitelisted[investors[i]] = value;
            emit WhitelistSet(investors[i], value);
        }
    }

    /// @notice Opens the sale's schedule; the sale must already hold the hard cap.
    function activate() external onlyOwner {
        if (activated) revert WrongState(state());
        if (_currencies.length == 0) revert CurrencyNotAccepted(address(0));
        uint256 held = token.balanceOf(address(this));
        if (held < _config.hardCap) revert NotActivatable(held, _config.hardCap);
        activated = true;
        emit SaleActivated(_config.hardCap);
    }

    function pause() external onlyOwner {
        State s = state();
        if (s != State.Presale && s != State.PublicSale) revert WrongState(s);
        if (paused) revert SalePaused();
        paused = true;
        emit SalePausedSet(true);
    }

    function unpause() external onlyOwner {
        if (!paused) revert NotPaused();
        paused = false;
        emit SalePausedSet(false);
    }

    // ---------------------------------------------------------------- buying

    /// @notice Cost in `currency` of `tokenAmount` now (presale discount applied), rounded up.
    function quote(address currency, uint256 tokenAmount) public view returns (uint256 cost) {
        uint256 price = priceOf[currency];
        if (price == 0) revert CurrencyNotAccepted(currency);
        uint256 numerator = tokenAmount * price;
        if (state() == State.Presale && _config.presaleDiscountBps != 0) {
            numerator = numerator * (BPS - _config.presaleDiscountBps);
            return (numerator + _unit * BPS - 1) / (_unit * BPS);
        }
        return (numerator + _unit - 1) / _unit;
    }

    function buy(address currency, uint256 tokenAmount) external nonReentrant returns (uint256 cost) {
        State s = state();
        if (s != State.Presale && s != State.PublicSale) revert WrongState(s);
        if (paused) revert SalePaused();
        if (s == State.Presale && _config.presaleWhitelistOnly && !whitelisted[msg.sender]) {
            revert NotWhitelisted(msg.sender);
        }
        if (tokenAmount == 0) revert ZeroAmount();
        uint256 total = purchased[msg.sender] + tokenAmount;
        if (total < _config.minPerInvestor) revert BelowMinimum(total, _config.minPerInvestor);
        if (total > _config.maxPerInvestor) revert AboveMaximum(total, _config.maxPerInvestor);
        uint256 remaining = _config.hardCap - sold;
        if (tokenAmount > remaining) revert HardCapExceeded(tokenAmount, remaining);
        // The asset's rules first: nothing is taken from a buyer who could not receive.
        AssetCompliance.requireAllowed(address(token), address(this), msg.sender, tokenAmount);
        cost = quote(currency, tokenAmount);

        purchased[msg.sender] = total;
        sold += tokenAmount;
        paidIn[msg.sender][currency] += cost;
        raised[currency] += cost;
        bool now_ = deliversAtPurchase();
        if (now_) {
            delivered[msg.sender] += tokenAmount;
            totalDelivered += tokenAmount;
        }
        emit Purchased(msg.sender, currency, tokenAmount, cost, s == State.Presale, now_);

        IERC20(currency).safeTransferFrom(msg.sender, address(this), cost);
        if (now_) token.safeTransfer(msg.sender, tokenAmount);
    }

    // ---------------------------------------------------------------- after the sale

    /// @notice Purchased tokens released so far (all at the end without lock-up).
    function releasable(address investor) public view returns (uint256) {
        State s = state();
        if ((s != State.Ended && s != State.Finalized) || !softCapReached()) return 0;
        uint256 amount = purchased[investor];
        uint256 vested;
        if (_config.lockDuration == 0) {
            vested = amount;
        } else {
            uint256 start = _config.end;
            if (block.timestamp < start + _config.lockCliff) return 0;
            uint256 elapsed = block.timestamp - start;
            vested = elapsed >= _config.lockDuration ? amount : amount * elapsed / _config.lockDuration;
        }
        return vested - delivered[investor];
    }

    function withdrawTokens() external nonReentrant returns (uint256 amount) {
        amount = releasable(msg.sender);
        if (amount == 0) revert NothingToWithdraw();
        delivered[msg.sender] += amount;
        totalDelivered += amount;
        emit TokensWithdrawn(msg.sender, amount);
        AssetCompliance.requireAllowed(address(token), address(this), msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @notice Soft cap missed: the investor takes back what it paid in `currency`.
    function refund(address currency) external nonReentrant returns (uint256 amount) {
        State s = state();
        if (s != State.Ended && s != State.Finalized) revert WrongState(s);
        if (softCapReached()) revert SoftCapReached();
        amount = paidIn[msg.sender][currency];
        if (amount == 0) revert NothingToRefund(msg.sender, currency);
        paidIn[msg.sender][currency] = 0;
        refunded[currency] += amount;
        emit Refunded(msg.sender, currency, amount);
        IERC20(currency).safeTransfer(msg.sender, amount);
    }

    function finalize() external onlyOwner {
        State s = state();
        if (s != State.Ended) revert WrongState(s);
        finalized = true;
        emit SaleFinalized(sold, softCapReached());
    }

    function withdrawProceeds(address currency, address to) external onlyOwner nonReentrant returns (uint256 amount) {
        if (!finalized) revert WrongState(state());
        if (!softCapReached()) revert SoftCapMissed();
        amount = raised[currency] - proceedsWithdrawn[currency];
        if (amount == 0) revert NothingToWithdraw();
        proceedsWithdrawn[currency] += amount;
        emit ProceedsWithdrawn(currency, to, amount);
        IERC20(currency).safeTransfer(to, amount);
    }

    /// @notice Tokens not owed to any investor (all of them when the soft cap was missed).
    function withdrawUnsold(address to) external onlyOwner nonReentrant returns (uint256 amount) {
        if (!finalized) revert WrongState(state());
        uint256 owed = softCapReached() ? sold - totalDelivered : 0;
        uint256 balance = token.balanceOf(address(this));
        amount = balance > owed ? balance - owed : 0;
        if (amount == 0) revert NothingToWithdraw();
        emit UnsoldWithdrawn(to, amount);
        token.safeTransfer(to, amount);
    }
}
